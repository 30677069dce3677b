import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TaskdeckClient } from '@taskdeck/client';
import {
  type ServerInfo,
  type TaskDetail,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '@taskdeck/contract';
import { dataDir as defaultDataDir, delay } from '@taskdeck/node-common/environment';
import { connectToHub, type HubConnection } from './connect.js';
import { LineReader, promptForInput } from './input-prompt.js';
import { openInBrowser } from './open-browser.js';
import { formatDuration, plainProgressLine, progressLine } from './progress-line.js';
import { parseToolArguments } from './tool-arguments.js';

const USAGE = `Usage:
  taskdeck call <server> <tool> [--arg key=value]... [--json args.json] [--output json]
  taskdeck servers
  taskdeck tasks [--all]
  taskdeck show <id>
  taskdeck cancel <id>
  taskdeck grant <path>...     let the servers read these files or folders (MCP roots)
  taskdeck revoke <path>       take a grant back
  taskdeck roots               list what the servers may read
  taskdeck sign-in <server>    sign in to a remote server (opens the browser, or prints the address)
  taskdeck sign-out <server>   delete a remote server's sign-in

Every command talks to the running Taskdeck (the app or the web host) on the same data dir,
so a task started here shows in its window; with none running, it starts its own hub.
Servers read only what you granted: grant a file or folder before a tool reads it.

Environment: TASKDECK_DATA_DIR (history, server state), TASKDECK_TIME_SCALE (simulated durations),
TASKDECK_BROWSER=none (sign-in prints the address instead of opening a browser).
Exit codes of call: 0 completed, 1 failed, 130 cancelled, 2 usage error.`;

const EXIT = { completed: 0, failed: 1, cancelled: 130, interrupted: 1, usage: 2 } as const;

class UsageError extends Error {}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const dataDir = defaultDataDir();
  switch (command) {
    case 'call':
      return call(rest, dataDir);
    case 'servers':
      return servers(dataDir);
    case 'tasks':
      return tasks(rest, dataDir);
    case 'show':
      return show(rest, dataDir);
    case 'cancel':
      return cancel(rest, dataDir);
    case 'grant':
      return grant(rest, dataDir);
    case 'revoke':
      return revoke(rest, dataDir);
    case 'roots':
      return roots(dataDir);
    case 'sign-in':
      return signIn(rest, dataDir);
    case 'sign-out':
      return signOut(rest, dataDir);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

const isFinished = (status: TaskSummary['status']) => TERMINAL_TASK_STATUSES.has(status);

/** Runs `work` with a connection to the hub and always closes it. */
async function withHub<T>(
  dataDir: string,
  startServers: boolean,
  work: (connection: HubConnection) => Promise<T>,
): Promise<T> {
  const connection = await connect(dataDir, startServers);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

/** The server once it can take a call (ready, or idle: its tools are known and the hub starts it). */
async function waitForServer(client: TaskdeckClient, name: string): Promise<ServerInfo> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const all = await client.servers();
    const server = all.find((s) => s.name === name);
    if (!server)
      throw new UsageError(`Unknown server "${name}". Servers: ${all.map((s) => s.name).join(', ')}.`);
    if (server.status === 'ready' || server.status === 'idle') return server;
    if (server.status === 'needs_sign_in')
      throw new Error(
        `Server ${name} needs sign-in: run taskdeck sign-in ${name} (${server.error ?? 'no reason given'})`,
      );
    if (server.status === 'crashed' || (server.status === 'stopped' && server.error)) {
      throw new Error(`Server ${name} is ${server.status}: ${server.error ?? 'no reason given'}`);
    }
    if (server.status === 'stopped') await client.startServer(name);
    if (Date.now() > deadline) throw new Error(`Server ${name} did not become ready within 30 s.`);
    await delay(50);
  }
}

async function call(argv: string[], dataDir: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      arg: { type: 'string', multiple: true },
      json: { type: 'string' },
      output: { type: 'string' },
    },
  });
  const [serverName, toolName] = positionals;
  if (!serverName || !toolName || positionals.length > 2) throw new UsageError('call needs <server> <tool>.');
  if (values.output !== undefined && values.output !== 'json') throw new UsageError('--output takes "json".');

  // A hub started here runs only the server called (waitForServer starts it, or the call does).
  const connection = await connect(dataDir, false);
  const { client } = connection;
  // Follow every task from the start: the new one's first changes may come before startTool answers.
  const follower = new TaskFollower(client);
  let interrupts = 0;
  let taskId: string | undefined;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1 && taskId) {
      err('\nCancelling… (Ctrl-C again to quit)\n');
      client.cancelTask(taskId).catch((error: Error) => err(`${error.message}\n`));
      return;
    }
    err(
      connection.hub.host === 'cli' || !taskId
        ? '\nQuitting.\n'
        : `\nQuitting; the task goes on in the running Taskdeck (taskdeck cancel ${taskId.slice(0, 8)} stops it).\n`,
    );
    void connection.close().finally(() => process.exit(EXIT.cancelled));
  };
  process.on('SIGINT', onSigint);
  try {
    const tool = (await waitForServer(client, serverName)).tools.find((t) => t.name === toolName);
    if (!tool) throw new UsageError(`Server ${serverName} has no tool "${toolName}".`);
    const fromFile = values.json ? await readArgsFile(values.json) : {};
    const args = { ...fromFile, ...parseToolArguments(values.arg ?? [], tool.inputSchema) };
    taskId = (await client.startTool({ server: serverName, tool: toolName, arguments: args })).taskId;
    const final = await follower.follow(taskId);
    printResult((await client.getTask(taskId)) ?? final, values.output === 'json');
    return final.status === 'completed'
      ? EXIT.completed
      : final.status === 'cancelled'
        ? EXIT.cancelled
        : EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
    follower.stop();
    await connection.close();
  }
}

/** Keeps the latest state of every task from the hub's events; draws and prompts for one of them. */
class TaskFollower {
  private readonly latest = new Map<string, TaskSummary>();
  private readonly unsubscribe: () => void;
  private onChange: ((task: TaskSummary) => void) | undefined;

  constructor(private readonly client: TaskdeckClient) {
    this.unsubscribe = client.onEvent((event) => {
      for (const task of event.tasks) {
        this.latest.set(task.id, task);
        this.onChange?.(task);
      }
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Draws progress until the task ends; answers input requests in the terminal. */
  follow(taskId: string): Promise<TaskSummary> {
    const tty = process.stderr.isTTY === true;
    let latest: TaskSummary | undefined;
    let lastPlain = '';
    let lastPlainAt = 0;
    let prompting = false;
    let reader: LineReader | undefined;
    const draw = () => {
      if (!latest || prompting) return;
      const now = Date.now();
      if (tty) {
        err(`\r\x1b[2K${progressLine(latest, now, process.stderr.columns)}`);
        return;
      }
      // Not a terminal: plain lines, when something changed, at most once a second.
      const line = plainProgressLine(latest);
      if (line !== lastPlain && now - lastPlainAt >= 1000) {
        err(`${line}\n`);
        lastPlain = line;
        lastPlainAt = now;
      }
    };
    return new Promise<TaskSummary>((resolvePromise) => {
      const timer = setInterval(draw, tty ? 100 : 250);
      const seen = (task: TaskSummary) => {
        if (task.id !== taskId || !this.onChange) return;
        latest = task;
        draw();
        if (task.input && !prompting) {
          prompting = true;
          if (tty) err('\n');
          reader ??= new LineReader(process.stdin, err);
          promptForInput(reader, task.input, err)
            .then((response) => this.client.respondToInput(taskId, response))
            .catch((error: Error) => err(`Could not answer: ${error.message}\n`))
            .finally(() => {
              prompting = false;
            });
        }
        if (isFinished(task.status)) {
          this.onChange = undefined;
          clearInterval(timer);
          if (tty) err('\n');
          resolvePromise(task);
        }
      };
      this.onChange = seen;
      const known = this.latest.get(taskId);
      if (known) seen(known);
    });
  }
}

function printResult(task: TaskDetail | TaskSummary, asJson: boolean): void {
  const result = 'result' in task ? task.result : undefined;
  if (asJson) {
    out(`${JSON.stringify({ status: task.status, statusMessage: task.statusMessage, result }, null, 2)}\n`);
    return;
  }
  const text = (result?.content ?? [])
    .filter((c): c is { type: 'text'; text: string } => (c as { type?: string }).type === 'text')
    .map((c) => c.text)
    .join('\n');
  if (task.status === 'completed') {
    if (text) out(`${text}\n`);
    return;
  }
  // Not completed: say why on stderr, so stdout only ever holds a real result.
  err(`Task ${task.status}: ${text || task.error || task.statusMessage || 'no reason given'}\n`);
}

async function readArgsFile(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new UsageError(`Cannot read --json ${path}: ${error.message}`);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--json ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`--json ${path} must hold a JSON object.`);
  return value as Record<string, unknown>;
}

async function servers(dataDir: string): Promise<number> {
  return withHub(dataDir, true, async ({ client }) => {
    const deadline = Date.now() + 15_000;
    let all = await client.servers();
    while (all.some((s) => s.status === 'starting') && Date.now() < deadline) {
      await delay(100);
      all = await client.servers();
    }
    for (const s of all) {
      const tools = s.tools.length === 1 ? '1 tool' : `${s.tools.length} tools`;
      out(
        `${s.name.padEnd(16)} ${s.status.padEnd(9)} ${tools.padEnd(9)} ${s.error ?? s.tools.map((t) => t.name).join(', ')}\n`,
      );
    }
    return 0;
  });
}

async function tasks(argv: string[], dataDir: string): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { all: { type: 'boolean' } } });
  const records = await withHub(dataDir, false, ({ client }) => client.listTasks());
  const shown = values.all
    ? records
    : records.filter((r, index) => !isFinished(r.status) || index >= records.length - 20);
  if (shown.length === 0) {
    out('No tasks yet.\n');
    return 0;
  }
  for (const r of shown) {
    const took = formatDuration((r.finishedAt ?? Date.now()) - r.createdAt);
    out(
      `${r.id.slice(0, 8)}  ${new Date(r.createdAt).toISOString().slice(0, 19)}  ${r.status.padEnd(14)} ${took.padStart(7)}  ${r.server}/${r.tool}  ${r.statusMessage ?? ''}\n`,
    );
  }
  return 0;
}

/** The one task whose id starts with what the user typed. */
async function findTask(client: TaskdeckClient, idOrPrefix: string | undefined): Promise<TaskDetail> {
  if (!idOrPrefix) throw new UsageError('Give a task id (or its first characters).');
  const matches = (await client.listTasks()).filter((r) => r.id.startsWith(idOrPrefix));
  if (matches.length > 1)
    throw new Error(`${idOrPrefix} matches ${matches.length} tasks; give more characters.`);
  const detail = matches[0] && (await client.getTask(matches[0].id));
  if (!detail) throw new Error(`No task ${idOrPrefix} in the history.`);
  return detail;
}

async function show(argv: string[], dataDir: string): Promise<number> {
  const r = await withHub(dataDir, false, ({ client }) => findTask(client, argv[0]));
  out(
    `${r.server}/${r.tool}  ${r.status}  (${r.mode}${r.mcpTaskId ? ` ${r.mcpTaskId}` : ''})\nid        ${r.id}\narguments ${JSON.stringify(r.arguments)}\n`,
  );
  if (r.statusMessage) out(`message   ${r.statusMessage}\n`);
  out('timeline\n');
  for (const t of r.timeline)
    out(`  ${new Date(t.at).toISOString()}  ${t.status}${t.message ? `  ${t.message}` : ''}\n`);
  if (r.logs.length > 0) {
    out('logs (last 20)\n');
    for (const l of r.logs.slice(-20))
      out(`  ${new Date(l.at).toISOString().slice(11, 23)} ${l.level.padEnd(7)} ${l.message}\n`);
  }
  if (r.result) printResult(r, false);
  return 0;
}

async function cancel(argv: string[], dataDir: string): Promise<number> {
  return withHub(dataDir, false, async ({ client }) => {
    const task = await findTask(client, argv[0]);
    const id = task.id.slice(0, 8);
    if (isFinished(task.status)) throw new Error(`Task ${id} already ended (${task.status}).`);
    // Follow the hub's events, not polls: the Taskdeck that ran the task may quit right after it ends.
    let stop = () => {};
    const ended = new Promise<TaskSummary>((resolve) => {
      stop = client.onEvent((event) => {
        const now = event.tasks.find((t) => t.id === task.id);
        if (now && isFinished(now.status)) resolve(now);
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Asked Taskdeck to cancel ${id}, but it has not ended within 10 s.`)),
        10_000,
      );
    });
    const lost = new Promise<undefined>((resolve) => {
      client.onConnection((state) => state.state === 'closed' && resolve(undefined));
    });
    try {
      await client.cancelTask(task.id).catch((error: Error) => {
        // The Taskdeck that ran it may quit the moment it ends, before its answer reaches us.
        if (!/connection to the running Taskdeck was lost/.test(error.message)) throw error;
      });
      const final = (await Promise.race([ended, timeout, lost])) ?? (await afterItQuit(dataDir, task.id));
      out(`Task ${id} ${final.status}.\n`);
      return 0;
    } finally {
      stop();
      clearTimeout(timer);
    }
  });
}

/** The task's state as the history has it, read from whatever hub owns the data dir now. */
async function afterItQuit(dataDir: string, taskId: string): Promise<TaskSummary> {
  const task = await withHub(dataDir, false, ({ client }) => client.getTask(taskId));
  if (!task) throw new Error(`Task ${taskId.slice(0, 8)} is no longer in the history.`);
  return task;
}

async function grant(argv: string[], dataDir: string): Promise<number> {
  if (argv.length === 0) throw new UsageError('grant needs at least one file or folder.');
  const paths = argv.map((path) => resolve(path));
  const granted = await withHub(dataDir, false, ({ client }) => client.grantRoots(paths));
  out(`The servers may now read:\n${granted.map((path) => `  ${path}`).join('\n')}\n`);
  return 0;
}

async function revoke(argv: string[], dataDir: string): Promise<number> {
  if (argv.length !== 1) throw new UsageError('revoke takes one file or folder.');
  const typed = resolve(argv[0] as string);
  // Grants are kept as real paths (symlinks resolved); a removed file can only be named as it was.
  const path = await realpath(typed).catch(() => typed);
  const left = await withHub(dataDir, false, async ({ client }) => {
    const before = await client.roots();
    if (!before.includes(path))
      throw new Error(`${path} is not granted. Granted: ${before.join(', ') || 'nothing'}.`);
    return client.revokeRoot(path);
  });
  out(`Revoked ${path}.\n`);
  if (left.length === 0) out('Nothing is granted now.\n');
  return 0;
}

async function roots(dataDir: string): Promise<number> {
  const granted = await withHub(dataDir, false, ({ client }) => client.roots());
  out(granted.length === 0 ? 'Nothing is granted. Use taskdeck grant <path>.\n' : `${granted.join('\n')}\n`);
  return 0;
}

/** A usage error: ours, or node:util parseArgs' (an unknown option, a missing value). */
function isUsageError(error: Error): boolean {
  return error instanceof UsageError || /^ERR_PARSE_ARGS_/.test(String((error as { code?: unknown }).code));
}

/** Connections this command holds: a stop signal closes them (and a hub it started) before exiting. */
const connections = new Set<HubConnection>();

async function connect(dataDir: string, startServers: boolean): Promise<HubConnection> {
  const connection = await connectToHub(dataDir, { startServers });
  connections.add(connection);
  return {
    ...connection,
    close: async () => {
      connections.delete(connection);
      await connection.close();
    },
  };
}

// The terminal closing (SIGHUP) or a stop request (SIGTERM) must not leave a hub's servers behind.
for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.on(signal, () => {
    void Promise.allSettled([...connections].map((connection) => connection.close())).finally(() =>
      process.exit(code),
    );
  });
}

/** The sign-in's end, from the hub's events: signed in, or back to signed out (with the log's reason). */
function signInSettled(
  client: TaskdeckClient,
  name: string,
): { ended: Promise<ServerInfo>; stop: () => void } {
  let stop = () => {};
  const ended = new Promise<ServerInfo>((resolve) => {
    let pending = false;
    stop = client.onEvent((event) => {
      const server = event.servers.find((s) => s.name === name);
      if (server?.auth?.state === 'pending') pending = true;
      else if (server?.auth?.state === 'signed_in' || (pending && server?.auth?.state === 'signed_out'))
        resolve(server);
    });
  });
  return { ended, stop };
}

async function signIn(argv: string[], dataDir: string): Promise<number> {
  if (argv.length !== 1) throw new UsageError('sign-in takes one server.');
  const name = argv[0] as string;
  return withHub(dataDir, true, async ({ client }) => {
    // Let the server's first connection say what it asks for (the scope of its challenge).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const server = (await client.servers()).find((s) => s.name === name);
      if (!server) throw new UsageError(`Unknown server "${name}".`);
      if ((server.status !== 'starting' && server.status !== 'reconnecting') || Date.now() > deadline) break;
      await delay(50);
    }
    const { ended, stop } = signInSettled(client, name);
    try {
      const { authorizationUrl } = await client.signIn(name);
      err(
        (await openInBrowser(authorizationUrl))
          ? `Sign in to ${name} in your browser. If no page opened, open:\n  ${authorizationUrl}\n`
          : `To sign in to ${name}, open this address in a browser:\n  ${authorizationUrl}\n`,
      );
      const server = await ended;
      if (server.auth?.state !== 'signed_in') {
        const why = server.stderrTail.filter((line) => line.startsWith('[taskdeck] ')).at(-1);
        throw new Error(`Signing in to ${name} did not finish${why ? `: ${why.slice(11).trim()}` : '.'}`);
      }
      const scopes = server.auth.scopes?.join(' ');
      out(`Signed in to ${name}${scopes ? ` (scope: ${scopes})` : ''}.\n`);
      return 0;
    } finally {
      stop();
    }
  });
}

async function signOut(argv: string[], dataDir: string): Promise<number> {
  if (argv.length !== 1) throw new UsageError('sign-out takes one server.');
  const name = argv[0] as string;
  await withHub(dataDir, false, ({ client }) => client.signOut(name));
  out(`Signed out of ${name}.\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    err(`taskdeck: ${error.message}\n`);
    if (isUsageError(error)) err(`\n${USAGE}\n`);
    process.exit(isUsageError(error) ? EXIT.usage : EXIT.failed);
  },
);
