import { type ReactNode, useEffect, useId, useRef } from 'react';

interface DialogProps {
  title: string;
  /** Esc, the close button and a click outside call this: closing, never a decision. */
  onCancel(): void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
  /** A short line under the title. */
  subtitle?: ReactNode;
}

/** What gets the focus when a dialog opens: a field marked for it, else its first field. */
const FIRST_FIELD = '[data-autofocus], input:not([type=hidden]):not([disabled]), select, textarea';

/**
 * A modal on the native <dialog>: the browser traps focus and puts it on top. The first field
 * gets the focus (React's `autoFocus` runs before `showModal`, which then moves the focus to the
 * first focusable element: the close button); when the dialog closes, the focus goes back to
 * what opened it. Esc, ✕ and a click on the backdrop all call `onCancel`.
 */
export function Dialog({ title, onCancel, children, wide = false, testId, subtitle }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancel = useRef(onCancel);
  cancel.current = onCancel;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[data-dialog-body] [data-autofocus]') ??
      dialog.querySelector<HTMLElement>(`[data-dialog-body] :is(${FIRST_FIELD})`);
    first?.focus();
    const onCancelEvent = (event: Event) => {
      event.preventDefault();
      cancel.current();
    };
    // A click on the backdrop lands on the <dialog> itself (its content fills it); a press that
    // started inside (selecting text) and ended outside is not one.
    let pressedOnBackdrop = false;
    const onPointerDown = (event: PointerEvent) => {
      pressedOnBackdrop = event.target === dialog;
    };
    const onClick = (event: MouseEvent) => {
      if (event.target === dialog && pressedOnBackdrop) cancel.current();
    };
    dialog.addEventListener('cancel', onCancelEvent);
    dialog.addEventListener('pointerdown', onPointerDown);
    dialog.addEventListener('click', onClick);
    return () => {
      dialog.removeEventListener('cancel', onCancelEvent);
      dialog.removeEventListener('pointerdown', onPointerDown);
      dialog.removeEventListener('click', onClick);
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? 'max-w-2xl' : 'max-w-lg'} rounded-xl border border-neutral-200 bg-white p-0 text-neutral-900 shadow-2xl backdrop:bg-black/40 dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-100`}
    >
      <div className="flex items-start justify-between gap-4 border-b border-neutral-200 px-5 py-3 dark:border-neutral-800">
        <div className="min-w-0">
          <h2 id={titleId} className="font-semibold">
            {title}
          </h2>
          {subtitle && <p className="text-xs text-neutral-600 dark:text-neutral-400">{subtitle}</p>}
        </div>
        <button
          type="button"
          aria-label="Close"
          onClick={() => cancel.current()}
          className="rounded p-1 text-neutral-500 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-neutral-400 dark:hover:bg-neutral-800"
        >
          ✕
        </button>
      </div>
      <div data-dialog-body className="max-h-[75vh] overflow-y-auto px-5 py-4">
        {children}
      </div>
    </dialog>
  );
}
