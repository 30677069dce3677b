import { useEffect } from 'react';
import { useStore } from '../state/store';
import { type Toast, toastLifetime } from '../state/toast-state';

const TONE: Record<Toast['kind'], string> = {
  success: 'border-emerald-300 dark:border-emerald-800',
  error: 'border-red-300 dark:border-red-800',
  info: 'border-neutral-300 dark:border-neutral-700',
};
const ICON: Record<Toast['kind'], string> = { success: '✓', error: '!', info: 'i' };

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useStore((s) => s.dismissToast);
  const select = useStore((s) => s.select);
  const setFilter = useStore((s) => s.setFilter);
  const lifetime = toastLifetime(toast);
  // A batch that grows starts its time again (the toast object changes with it).
  useEffect(() => {
    if (lifetime === undefined) return;
    const timer = setTimeout(() => dismiss(toast.id), lifetime);
    return () => clearTimeout(timer);
  }, [toast, lifetime, dismiss]);
  const endings = toast.endings ?? [];
  const [only] = endings;
  const failed = endings.filter((ending) => ending.status !== 'completed' && ending.status !== 'cancelled');
  return (
    <li
      data-testid="toast"
      data-kind={toast.kind}
      className={`flex gap-2.5 rounded-lg border bg-white p-2.5 text-sm shadow-md dark:bg-neutral-900 ${TONE[toast.kind]}`}
    >
      <span aria-hidden="true" className="font-bold">
        {ICON[toast.kind]}
      </span>
      <div className="min-w-0 flex-1 space-y-1">
        <p className="break-words font-medium">{toast.title}</p>
        {toast.body && (
          <p className="line-clamp-3 break-words text-xs text-neutral-600 dark:text-neutral-400">
            {toast.body}
          </p>
        )}
        {toast.progress !== undefined && (
          <div
            role="progressbar"
            aria-label={toast.title}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(toast.progress * 100)}
            className="h-1 overflow-hidden rounded-full bg-neutral-200 dark:bg-neutral-800"
          >
            <div className="h-full bg-sky-500" style={{ width: `${toast.progress * 100}%` }} />
          </div>
        )}
        {endings.length === 1 && only && (
          <button
            type="button"
            className="text-xs font-medium text-sky-700 hover:underline dark:text-sky-300"
            onClick={() => select(only.id)}
          >
            Show task
          </button>
        )}
        {endings.length > 1 && failed.length > 0 && (
          <button
            type="button"
            className="text-xs font-medium text-sky-700 hover:underline dark:text-sky-300"
            onClick={() => {
              setFilter({ status: 'failed', server: null, text: '' });
              dismiss(toast.id);
            }}
          >
            Show failed tasks
          </button>
        )}
      </div>
      <button
        type="button"
        aria-label="Dismiss"
        onClick={() => dismiss(toast.id)}
        className="self-start text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100"
      >
        ✕
      </button>
    </li>
  );
}

/**
 * The toasts, in a place of their own: under the servers (in the layout, so they cover no
 * control of the list and not the open detail), or at the bottom of a narrow window.
 */
export function Toasts({ floating = false }: { floating?: boolean }) {
  const toasts = useStore((s) => s.toasts);
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className={floating ? 'fixed inset-x-3 bottom-3 z-50' : 'shrink-0 px-3 pb-3'}
    >
      <ol className="flex flex-col gap-2">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} />
        ))}
      </ol>
    </section>
  );
}
