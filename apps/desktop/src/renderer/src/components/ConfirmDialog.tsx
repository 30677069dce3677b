import { type Confirmation, useStore } from '../state/store';
import { Dialog } from './Dialog';
import { Button } from './ui';

/** Asks before something that cannot be undone; the safe choice has the focus. */
export function ConfirmDialog({ confirmation }: { confirmation: Confirmation }) {
  const openDialog = useStore((s) => s.openDialog);
  const close = () => openDialog(null);
  return (
    <Dialog title={confirmation.title} onCancel={close} testId="confirm">
      <div className="space-y-4">
        <p className="text-sm">{confirmation.message}</p>
        <div className="flex justify-end gap-2">
          <Button onClick={close} data-autofocus>
            Keep running
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              close();
              confirmation.onConfirm();
            }}
          >
            {confirmation.confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
