import { type FormValues, fieldsFromSchema, initialValues, validateForm } from '@taskdeck/client/schema-form';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { useStore } from '../state/store';
import { Dialog } from './Dialog';
import { SchemaForm } from './SchemaForm';
import { Button, ErrorText } from './ui';

const select =
  'w-full rounded-md border border-neutral-300 bg-white px-2.5 py-1.5 text-sm dark:border-neutral-700 dark:bg-neutral-950 focus-visible:outline-2 focus-visible:outline-sky-500';

/** Pick a server and tool, fill the form generated from the tool's input schema, run it. */
export function Launcher({ initialServer, initialTool }: { initialServer?: string; initialTool?: string }) {
  const servers = useStore((s) => s.monitor.servers);
  const openDialog = useStore((s) => s.openDialog);
  const select_ = useStore((s) => s.select);
  // An idle server starts when one of its tools is run.
  const ready = servers.filter(
    (server) => (server.status === 'ready' || server.status === 'idle') && server.tools.length > 0,
  );
  const [serverName, setServerName] = useState(initialServer ?? ready[0]?.name ?? '');
  const server = servers.find((s) => s.name === serverName);
  const [toolName, setToolName] = useState(initialTool ?? server?.tools[0]?.name ?? '');
  const tool = server?.tools.find((t) => t.name === toolName);
  const fields = useMemo(() => (tool ? fieldsFromSchema(tool.inputSchema) : []), [tool]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [running, setRunning] = useState(false);
  const close = () => openDialog(null);
  const formId = useId();

  function chooseServer(name: string) {
    setServerName(name);
    const first = servers.find((s) => s.name === name)?.tools[0];
    chooseTool(name, first?.name ?? '');
  }

  function chooseTool(server: string, name: string) {
    setToolName(name);
    const schema = servers.find((s) => s.name === server)?.tools.find((t) => t.name === name)?.inputSchema;
    setValues(initialValues(schema ? fieldsFromSchema(schema) : []));
    setErrors({});
    setFailure(undefined);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!tool || running) return;
    const checked = validateForm(fields, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setFailure(undefined);
    setRunning(true);
    try {
      const { taskId } = await taskdeck().startTool({
        server: serverName,
        tool: tool.name,
        arguments: checked.value,
      });
      select_(taskId);
      close();
    } catch (error) {
      setFailure(errorMessage(error));
      setRunning(false);
    }
  }

  return (
    <Dialog title="New task" onCancel={close} wide testId="launcher">
      {ready.length === 0 ? (
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          No server is ready. Start one in the Servers panel first.
        </p>
      ) : (
        <form onSubmit={submit} noValidate className="space-y-4">
          <div className="grid grid-cols-2 gap-3">
            <div className="space-y-1 text-sm font-medium">
              <label htmlFor={`${formId}-server`} className="block">
                Server
              </label>
              <select
                id={`${formId}-server`}
                className={select}
                value={serverName}
                onChange={(event) => chooseServer(event.target.value)}
              >
                {ready.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="space-y-1 text-sm font-medium">
              <label htmlFor={`${formId}-tool`} className="block">
                Tool
              </label>
              <select
                id={`${formId}-tool`}
                className={select}
                value={toolName}
                onChange={(event) => chooseTool(serverName, event.target.value)}
              >
                {server?.tools.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.title ?? t.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {tool?.description && (
            <p className="text-sm text-neutral-600 dark:text-neutral-400">{tool.description}</p>
          )}
          {tool && (
            <SchemaForm
              key={`${serverName}/${tool.name}`}
              fields={fields}
              values={values}
              errors={errors}
              onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
            />
          )}
          {Object.keys(errors).length > 0 && (
            <p className="text-sm text-red-700 dark:text-red-300">Fix the marked fields, then run again.</p>
          )}
          {failure && <ErrorText>{failure}</ErrorText>}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={!tool || running}>
              {running ? 'Starting…' : 'Run'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
