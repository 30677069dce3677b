import { type FormEvent, useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { parseHeaderLines } from '../lib/header-lines';
import { Button, ErrorText } from './ui';

const FIELD =
  'w-full rounded-md border border-neutral-300 bg-white px-2 py-1 text-sm dark:border-neutral-700 dark:bg-neutral-950';

// biome-ignore lint/suspicious/noTemplateCurlyInString: servers.json's ${env:NAME}, shown as an example
const HEADER_EXAMPLE = 'Authorization: Bearer ${env:MY_TOKEN}';

/**
 * Adds a remote MCP server by URL: the hub writes it to servers.json and connects. Header
 * values may name an environment variable (`${env:NAME}`) so a token stays out of the file.
 */
export function AddServerForm({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [headerText, setHeaderText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseHeaderLines(headerText);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    const hasHeaders = Object.keys(parsed.headers).length > 0;
    setBusy(true);
    setError(undefined);
    try {
      await taskdeck().addServer({
        name: name.trim(),
        url: url.trim(),
        ...(hasHeaders && { headers: parsed.headers }),
      });
      onDone();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label="Add a remote server"
      onSubmit={(event) => void submit(event)}
      className="space-y-2 rounded-lg border border-neutral-200 bg-white p-3 text-xs dark:border-neutral-800 dark:bg-neutral-900"
    >
      <label className="block space-y-1">
        <span>Name</span>
        <input
          className={FIELD}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={64}
        />
      </label>
      <label className="block space-y-1">
        <span>URL</span>
        <input
          className={FIELD}
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/mcp"
          required
        />
      </label>
      <label className="block space-y-1">
        <span>Headers (optional, one "Name: value" a line)</span>
        <textarea
          className={`${FIELD} font-mono`}
          rows={2}
          value={headerText}
          onChange={(e) => setHeaderText(e.target.value)}
          placeholder={HEADER_EXAMPLE}
        />
      </label>
      {error && <ErrorText>{error}</ErrorText>}
      <div className="flex gap-1.5">
        <Button small variant="primary" type="submit" disabled={busy}>
          Add server
        </Button>
        <Button small variant="ghost" onClick={onDone} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
