import {
  type FormValues,
  fieldsFromSchema,
  initialValues,
  restoreEnumTypes,
  validateForm,
} from '@taskdeck/client/schema-form';
import type { InputResponse, TaskSummary } from '@taskdeck/contract';
import { taskLabel } from '@taskdeck/contract/task-words';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { respondToInput } from '../state/actions';
import { nextQuestion } from '../state/question-queue';
import { useStore } from '../state/store';
import { Dialog } from './Dialog';
import { SchemaForm } from './SchemaForm';
import { Button } from './ui';

type Accepted = Extract<InputResponse, { action: 'accept' }>['content'];

/**
 * A task's question, built from its requested schema. Accept checks the fields first (a
 * required one blocks it, with the message at the field); Decline answers no; "Not now" (also
 * Esc, ✕, a click outside) closes without answering: the task keeps waiting on its row.
 */
function QuestionForm({ task }: { task: TaskSummary }) {
  const schema = task.input?.requestedSchema ?? {};
  const fields = useMemo(() => fieldsFromSchema(schema), [schema]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const defer = useStore((s) => s.deferQuestion);
  const answered = useStore((s) => s.answeredQuestion);

  async function answer(response: InputResponse) {
    if (sending) return;
    setSending(true);
    if (await respondToInput(task.id, response)) answered(task);
    else setSending(false);
  }

  function accept(event: FormEvent) {
    event.preventDefault();
    const checked = validateForm(fields, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    void answer({ action: 'accept', content: restoreEnumTypes(schema, checked.value) as Accepted });
  }

  return (
    <Dialog
      title={`${taskLabel(task)}: your answer is needed`}
      subtitle={`Asked by ${task.server}`}
      onCancel={() => defer(task)}
      testId="input-request"
    >
      <form onSubmit={accept} noValidate className="space-y-4">
        <p className="whitespace-pre-wrap text-sm">{task.input?.message}</p>
        {fields.length > 0 && (
          <SchemaForm
            fields={fields}
            values={values}
            errors={errors}
            onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
          />
        )}
        {Object.keys(errors).length > 0 && (
          <p className="text-sm text-red-700 dark:text-red-300">Fill in the marked fields to accept.</p>
        )}
        <div className="flex flex-wrap items-center justify-end gap-2">
          <p className="mr-auto text-xs text-neutral-600 dark:text-neutral-400">
            Not now keeps the task waiting for you.
          </p>
          {/* With nothing to fill in, the safe choice has the focus: Enter never starts the action. */}
          <Button
            onClick={() => defer(task)}
            disabled={sending}
            data-autofocus={fields.length === 0 || undefined}
          >
            Not now
          </Button>
          <Button onClick={() => void answer({ action: 'decline' })} disabled={sending}>
            Decline
          </Button>
          <Button type="submit" variant="primary" disabled={sending}>
            Accept
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The open question, if the open dialog is one and its task still asks. */
export function InputRequestDialog() {
  const dialog = useStore((s) => s.dialog);
  const taskId = dialog?.kind === 'question' ? dialog.taskId : undefined;
  const task = useStore((s) => (taskId ? s.monitor.tasks.get(taskId) : undefined));
  const openDialog = useStore((s) => s.openDialog);
  const asking = task?.status === 'input_required' && task.input !== undefined;
  // The task stopped asking (answered elsewhere, cancelled): the dialog goes.
  useEffect(() => {
    if (taskId && !asking) openDialog(null);
  }, [taskId, asking, openDialog]);
  if (!task || !asking) return null;
  return <QuestionForm key={`${task.id}:${task.input?.message}`} task={task} />;
}

/**
 * Opens the next waiting question by itself when no dialog is open: questions queue behind
 * whatever the user is doing in a dialog, one modal at a time.
 */
export function QuestionQueue() {
  const next = useStore((s) =>
    s.dialog === null ? nextQuestion(s.monitor.tasks, s.questions)?.id : undefined,
  );
  const openDialog = useStore((s) => s.openDialog);
  useEffect(() => {
    if (next) openDialog({ kind: 'question', taskId: next });
  }, [next, openDialog]);
  return null;
}
