import { SHORTCUTS } from '../state/shortcuts';
import { useStore } from '../state/store';
import { Dialog } from './Dialog';

/** The keyboard shortcuts (`?`), from the same table the key handler uses. */
export function ShortcutsHelp() {
  const openDialog = useStore((s) => s.openDialog);
  return (
    <Dialog title="Keyboard shortcuts" onCancel={() => openDialog(null)} testId="shortcuts-help">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.action} className="contents">
            <dt>
              <kbd className="rounded border border-neutral-300 bg-neutral-50 px-1.5 py-0.5 font-mono text-xs dark:border-neutral-700 dark:bg-neutral-800">
                {shortcut.label}
              </kbd>
            </dt>
            <dd>{shortcut.description}</dd>
          </div>
        ))}
        <div className="contents">
          <dt>
            <kbd className="rounded border border-neutral-300 bg-neutral-50 px-1.5 py-0.5 font-mono text-xs dark:border-neutral-700 dark:bg-neutral-800">
              ↑ ↓ Home End
            </kbd>
          </dt>
          <dd>Move through the list when it has the focus</dd>
        </div>
      </dl>
    </Dialog>
  );
}
