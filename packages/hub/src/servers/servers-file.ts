import { readFile } from 'node:fs/promises';
import { writeJsonFileAtomic } from '@taskdeck/node-common/json-file';

/**
 * Edits the user's servers.json for the UI's "add server" and "remove": one entry at a time,
 * keeping every other entry and every key Taskdeck does not know (another app may share the
 * file), written atomically (temp file + rename) and owner-only, since headers may hold tokens.
 * Edits are serialized, so two quick adds both land.
 */
export class ServersFile {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Adds `entry` under `name`; refuses a name the file already has. */
  async add(name: string, entry: Record<string, unknown>): Promise<void> {
    await this.edit((root) => {
      const entries = entriesOf(root, this.path, true) as Record<string, unknown>;
      if (Object.hasOwn(entries, name)) throw new Error(`${this.path} already has a server named "${name}".`);
      entries[name] = entry;
      return true;
    });
  }

  /** Removes the entry `name`; resolves false when the file has none. */
  remove(name: string): Promise<boolean> {
    return this.edit((root) => {
      const entries = entriesOf(root, this.path, false);
      if (!entries || !Object.hasOwn(entries, name)) return false;
      delete entries[name];
      return true;
    });
  }

  private edit(change: (root: Record<string, unknown>) => boolean): Promise<boolean> {
    const run = this.chain.then(async () => {
      const root = await this.read();
      if (!change(root)) return false;
      await writeJsonFileAtomic(this.path, root, { mode: 0o600 });
      return true;
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async read(): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.path} cannot be read (${(error as Error).message}).`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${this.path} is not valid JSON (${(error as Error).message}); repair it before changing servers here.`,
      );
    }
    if (!isObject(json)) throw new Error(`${this.path} does not hold a JSON object; repair it first.`);
    return json;
  }
}

/** The object holding the entries (`mcpServers`, else VS Code's `servers`), created on demand. */
function entriesOf(
  root: Record<string, unknown>,
  path: string,
  create: boolean,
): Record<string, unknown> | undefined {
  const key = 'mcpServers' in root ? 'mcpServers' : 'servers' in root ? 'servers' : undefined;
  if (key === undefined) {
    if (!create) return undefined;
    root.mcpServers = {};
    return root.mcpServers as Record<string, unknown>;
  }
  const entries = root[key];
  if (!isObject(entries)) throw new Error(`"${key}" in ${path} is not an object; repair it first.`);
  return entries;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
