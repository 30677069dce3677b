import {
  type FormValues,
  fieldsFromSchema,
  initialValues,
  restoreEnumTypes,
  validateForm,
} from '@taskdeck/client/schema-form';
import type { InputResponse, TaskSummary } from '@taskdeck/contract';
import { type FormEvent, useMemo, useState } from 'react';
import { respondToInput } from '../state/actions';
import { useStore } from '../state/store';
import { Dialog } from './Dialog';
import { SchemaForm } from './SchemaForm';
import { Button } from './ui';

function InputForm({ task, onAnswered }: { task: TaskSummary; onAnswered(): void }) {
  const schema = task.input?.requestedSchema ?? {};
  const fields = useMemo(() => fieldsFromSchema(schema), [schema]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);

  async function answer(response: InputResponse) {
    if (sending) return;
    setSending(true);
    if (await respondToInput(task.id, response)) onAnswered();
    else setSending(false);
  }

  function accept(event: FormEvent) {
    event.preventDefault();
    const checked = validateForm(fields, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    void answer({
      action: 'accept',
      content: restoreEnumTypes(schema, checked.value) as Extract<
        InputResponse,
        { action: 'accept' }
      >['content'],
    });
  }

  return (
    <Dialog
      title={`${task.tool} needs your answer`}
      onCancel={() => void answer({ action: 'cancel' })}
      testId="input-request"
    >
      <form onSubmit={accept} noValidate className="space-y-4">
        <p className="whitespace-pre-wrap text-sm">{task.input?.message}</p>
        <p className="text-xs text-neutral-500 dark:text-neutral-400">
          Asked by {task.server} for task {task.id}
        </p>
        <SchemaForm
          fields={fields}
          values={values}
          errors={errors}
          onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
        />
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={() => void answer({ action: 'cancel' })} disabled={sending}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void answer({ action: 'decline' })} disabled={sending}>
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

/**
 * Shows the oldest pending input request (status input_required) as a dialog built from
 * its requested schema. Answered requests stay hidden until the task asks again.
 */
/** The oldest task waiting for an answer the user has not given yet. */
function oldestPending(
  tasks: ReadonlyMap<string, TaskSummary>,
  answered: ReadonlyMap<string, number>,
): TaskSummary | undefined {
  let oldest: TaskSummary | undefined;
  for (const task of tasks.values()) {
    if (task.status !== 'input_required' || !task.input) continue;
    if ((answered.get(task.id) ?? -1) >= task.updatedAt) continue;
    if (!oldest || task.updatedAt < oldest.updatedAt) oldest = task;
  }
  return oldest;
}

export function InputRequestDialog() {
  const [answered, setAnswered] = useState<ReadonlyMap<string, number>>(new Map());
  // Selecting the task itself (not the task map) keeps this from re-rendering on every batch.
  const pending = useStore((s) => oldestPending(s.monitor.tasks, answered));
  if (!pending) return null;
  return (
    <InputForm
      key={`${pending.id}:${pending.input?.message}`}
      task={pending}
      onAnswered={() => setAnswered((current) => new Map(current).set(pending.id, pending.updatedAt))}
    />
  );
}
