/**
 * The client under test in the conformance suite's client scenarios (`npm run conformance`):
 * Taskdeck's own hub, with its connection, sign-in and task code, driven the way the app
 * drives it. The suite runs `node out/conformance/client.js <server URL>` with
 * MCP_CONFORMANCE_SCENARIO set; this adds the URL as a remote server, waits for it, signs in when
 * it asks (the "browser" follows the authorization server's redirects to the hub's loopback
 * listener, as a user who approves would), runs the scenario's tool through the hub and exits 0,
 * or prints why not and exits 1. Nothing here speaks MCP or OAuth itself.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputResponse, ServerInfo, TaskDetail } from '@taskdeck/contract';
import { Hub } from '@taskdeck/hub';

const SERVER = 'conformance';
/** The suite's authorization servers accept this client ID metadata document URL (SEP-991) as is. */
const CIMD_CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';
/** A user signs in, and once more when the server asks for more access; then gives up. */
const MAX_SIGN_INS = 2;
const WAIT_MS = 20_000;

type Scenario = (session: Session) => Promise<void>;

/** What each scenario asks the client to do once the server is ready. */
const SCENARIOS: Record<string, Scenario> = {
  initialize: async () => {},
  tools_call: async (session) => {
    const [tool] = session.server().tools;
    if (tool) await session.call(tool.name, { a: 2, b: 3 });
  },
  'sse-retry': (session) => session.call('test_reconnection', {}).then(() => {}),
  'elicitation-sep1034-client-defaults': (session) =>
    session.call('test_client_elicitation_defaults', {}).then(() => {}),
  'json-schema-2020-12-preservation': async (session) => {
    const focal = session.server().tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
    if (!focal) throw new Error('The server lists no json_schema_2020_12_tool');
    await session.call('json_schema_echo', { schema: focal.inputSchema });
  },
};
/** Every auth/ scenario: sign in, list the tools, call the suite's tool. */
const AUTH_SCENARIO: Scenario = (session) => session.call('test-tool', {}).then(() => {});

class Session {
  private signIns = 0;

  constructor(private readonly hub: Hub) {}

  server(): ServerInfo {
    const server = this.hub.servers().find((s) => s.name === SERVER);
    if (!server) throw new Error(`No server ${SERVER}`);
    return server;
  }

  /** Waits until the server is ready, signing in when it asks for it. */
  async ready(): Promise<void> {
    for (;;) {
      const server = await this.until(
        'the server to connect',
        (s) => s.status === 'ready' || s.status === 'needs_sign_in' || s.status === 'crashed',
      );
      if (server.status === 'ready') return;
      if (server.status !== 'needs_sign_in') throw new Error(`The server ${server.status}: ${server.error}`);
      await this.signIn(server.error);
    }
  }

  /**
   * Runs a tool as the hub runs it (a task or a plain call), answering a question with the
   * form's defaults as a user who accepts it would; signs in once more when the call needs
   * more access. Resolves with the finished record, rejects when it did not complete.
   */
  async call(tool: string, args: Record<string, unknown>): Promise<TaskDetail> {
    await this.ready();
    const { taskId } = await this.hub.startTool({ server: SERVER, tool, arguments: args });
    let answering = false;
    const task = await this.waitFor(`${tool} to finish`, () => {
      const record = this.hub.getTask(taskId);
      if (record?.input && !answering) {
        answering = true;
        void this.hub.respondToInput(taskId, {
          action: 'accept',
          content: defaults(record.input.requestedSchema),
        });
      } else if (!record?.input) answering = false;
      return record && ['completed', 'failed', 'cancelled', 'interrupted'].includes(record.status)
        ? record
        : undefined;
    });
    if (task.status === 'completed') return task;
    if (/needs more access/.test(task.error ?? '') || this.server().status === 'needs_sign_in') {
      await this.signIn(task.error);
      return this.call(tool, args);
    }
    throw new Error(`${tool} ${task.status}: ${task.error ?? task.statusMessage ?? 'no reason given'}`);
  }

  /** The user's "Sign in": the hub's authorization URL, approved in the "browser". */
  private async signIn(why: string | undefined): Promise<void> {
    if (this.signIns >= MAX_SIGN_INS)
      throw new Error(`Gave up after ${MAX_SIGN_INS} sign-ins: ${why ?? 'the server still refuses'}`);
    this.signIns++;
    const { authorizationUrl } = await this.hub.signIn(SERVER);
    await browse(authorizationUrl);
    await this.until('the sign-in to finish', (s) => s.auth?.state !== 'pending');
  }

  private until(what: string, check: (server: ServerInfo) => boolean): Promise<ServerInfo> {
    return this.waitFor(what, () => {
      const server = this.server();
      return check(server) ? server : undefined;
    });
  }

  private async waitFor<T>(what: string, check: () => T | undefined): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * A browser whose user approves: follows the redirects from the authorization URL (the
 * suite's authorization servers approve at once) until a page answers, which is the hub's
 * loopback redirect.
 */
async function browse(url: string): Promise<void> {
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, { redirect: 'manual' });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      if (!response.ok)
        throw new Error(`The sign-in page answered HTTP ${response.status} at ${new URL(next).origin}`);
      return;
    }
    next = new URL(location, next).href;
  }
  throw new Error('Too many redirects while signing in');
}

/** What a form built from an elicitation schema holds before the user changes anything: its defaults. */
function defaults(schema: Record<string, unknown>): Extract<InputResponse, { action: 'accept' }>['content'] {
  const content: Extract<InputResponse, { action: 'accept' }>['content'] = {};
  const properties = (schema.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [name, property] of Object.entries(properties)) {
    const value = property.default;
    if (['string', 'number', 'boolean'].includes(typeof value) || Array.isArray(value))
      content[name] = value as string | number | boolean | string[];
  }
  return content;
}

/**
 * The server's servers.json entry. A scenario whose authorization server offers no registration
 * hands over a client registered by hand (MCP_CONFORMANCE_CONTEXT): the user's `oauth` entry.
 */
function serverEntry(url: string): Record<string, unknown> {
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as {
    client_id?: string;
    client_secret?: string;
  };
  if (!context.client_id) return { url };
  return { url, oauth: { clientId: context.client_id, clientSecret: context.client_secret } };
}

async function main(): Promise<number> {
  const url = process.argv.at(-1);
  const name = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const scenario = SCENARIOS[name] ?? (name.startsWith('auth/') ? AUTH_SCENARIO : undefined);
  if (!url?.startsWith('http') || !scenario) {
    console.error(
      `Usage: MCP_CONFORMANCE_SCENARIO=<scenario> client.js <server URL> (no scenario "${name}")`,
    );
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-conformance-client-'));
  const noBundledServers = join(dataDir, 'no-bundled-servers');
  mkdirSync(noBundledServers);
  writeFileSync(
    join(dataDir, 'servers.json'),
    JSON.stringify({ mcpServers: { [SERVER]: serverEntry(url) } }),
  );
  const hub = await Hub.start({
    dataDir,
    bundledServersDir: noBundledServers,
    auth: { clientMetadataUrl: CIMD_CLIENT_METADATA_URL },
  });
  try {
    const session = new Session(hub);
    await session.ready();
    await scenario(session);
    return 0;
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}`);
    console.error(
      hub
        .servers()
        .find((s) => s.name === SERVER)
        ?.stderrTail.join('\n'),
    );
    return 1;
  } finally {
    await hub.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
