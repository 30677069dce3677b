import { useEffect } from 'react';
import { type Toast, useStore } from '../state/store';

const TONE: Record<Toast['kind'], string> = {
  success: 'border-emerald-300 dark:border-emerald-800',
  error: 'border-red-300 dark:border-red-800',
  info: 'border-neutral-300 dark:border-neutral-700',
};
const ICON: Record<Toast['kind'], string> = { success: '✓', error: '!', info: 'i' };
/** Errors stay longer: they need reading. Uploads in progress stay until done. */
const LIFETIME_MS: Record<Toast['kind'], number> = { success: 6000, info: 6000, error: 15_000 };

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useStore((s) => s.dismissToast);
  const select = useStore((s) => s.select);
  useEffect(() => {
    if (toast.progress !== undefined) return;
    const timer = setTimeout(() => dismiss(toast.id), LIFETIME_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind, toast.progress, dismiss]);
  return (
    <li
      data-testid="toast"
      data-kind={toast.kind}
      className={`pointer-events-auto flex w-80 gap-3 rounded-lg border bg-white p-3 text-sm shadow-lg dark:bg-neutral-900 ${TONE[toast.kind]}`}
    >
      <span aria-hidden="true" className="font-bold">
        {ICON[toast.kind]}
      </span>
      <div className="min-w-0 flex-1 space-y-1">
        <p className="font-medium">{toast.title}</p>
        {toast.body && (
          <p className="break-words text-xs text-neutral-600 dark:text-neutral-400">{toast.body}</p>
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
        {toast.taskId && (
          <button
            type="button"
            className="text-xs font-medium text-sky-700 hover:underline dark:text-sky-300"
            onClick={() => {
              select(toast.taskId ?? null);
              dismiss(toast.id);
            }}
          >
            Show task
          </button>
        )}
      </div>
      <button
        type="button"
        aria-label="Dismiss"
        onClick={() => dismiss(toast.id)}
        className="self-start text-neutral-500 hover:text-neutral-800 dark:hover:text-neutral-200"
      >
        ✕
      </button>
    </li>
  );
}

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50"
    >
      <ol className="flex flex-col items-end gap-2">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} />
        ))}
      </ol>
    </section>
  );
}
