import type { Notice } from '@taskdeck/contract';
import { useStore } from '../state/store';

const TONE: Record<Notice['level'], string> = {
  warning: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  error: 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-200',
};

/** The hub's notices (a damaged file moved aside, history not written), each until dismissed. */
export function Notices() {
  const notices = useStore((s) => s.monitor.notices);
  const dismiss = useStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <ul aria-label="Notices" className="border-b border-neutral-200 dark:border-neutral-800">
      {notices.map((notice) => (
        <li
          key={notice.id}
          role={notice.level === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          data-level={notice.level}
          className={`flex items-start gap-3 px-4 py-1.5 text-sm ${TONE[notice.level]}`}
        >
          <p className="min-w-0 flex-1 break-words">{notice.message}</p>
          <button
            type="button"
            className="shrink-0 text-xs font-medium hover:underline"
            onClick={() => dismiss(notice.id)}
          >
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
