import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TaskDetail, TaskSummary } from '@taskdeck/contract';
import { Hub } from '@taskdeck/hub';
import { ControlInbox } from '@taskdeck/hub/control-inbox';
import { DataDirLock } from '@taskdeck/hub/data-dir-lock';
import { TaskJournal } from '@taskdeck/hub/journal/task-journal';
import { isFinished } from '@taskdeck/hub/tasks/task-record';
import { dataDir as defaultDataDir } from '@taskdeck/node-common/environment';
import { LineReader, promptForInput } from './input-prompt.js';
import { formatDuration, plainProgressLine, progressLine } from './progress-line.js';
import { parseToolArguments } from './tool-arguments.js';

const USAGE = `Usage:
  taskdeck call <server> <tool> [--arg key=value]... [--json args.json] [--output json]
  taskdeck servers
  taskdeck tasks [--all]
  taskdeck show <id>
  taskdeck cancel <id>

Environment: TASKDECK_DATA_DIR (history, server state), TASKDECK_TIME_SCALE (simulated durations).
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

function startHub(dataDir: string): Promise<Hub> {
  const here = dirname(fileURLToPath(import.meta.url));
  return Hub.start({
    dataDir,
    bundledServersDir: resolve(here, '..', 'servers'),
  });
}

async function waitForServer(hub: Hub, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const server = hub.servers().find((s) => s.name === name);
    if (!server) {
      const known = hub
        .servers()
        .map((s) => s.name)
        .join(', ');
      throw new UsageError(`Unknown server "${name}". Servers: ${known}.`);
    }
    if (server.status === 'ready') return;
    if (server.status === 'crashed' || (server.status === 'stopped' && server.error)) {
      throw new Error(`Server ${name} is ${server.status}: ${server.error ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new Error(`Server ${name} did not become ready within 30 s.`);
    await new Promise((r) => setTimeout(r, 50));
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

  const hub = await startHub(dataDir);
  let interrupts = 0;
  let taskId: string | undefined;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1 && taskId) {
      err('\nCancelling… (Ctrl-C again to quit)\n');
      hub.cancelTask(taskId).catch((error: Error) => err(`${error.message}\n`));
      return;
    }
    err('\nQuitting.\n');
    void hub.shutdown().finally(() => process.exit(EXIT.cancelled));
  };
  process.on('SIGINT', onSigint);
  try {
    await waitForServer(hub, serverName);
    const tool = hub
      .servers()
      .find((s) => s.name === serverName)
      ?.tools.find((t) => t.name === toolName);
    if (!tool) throw new UsageError(`Server ${serverName} has no tool "${toolName}".`);
    const fromFile = values.json ? await readArgsFile(values.json) : {};
    const args = { ...fromFile, ...parseToolArguments(values.arg ?? [], tool.inputSchema) };
    taskId = (await hub.startTool({ server: serverName, tool: toolName, arguments: args })).taskId;
    const final = await follow(hub, taskId);
    printResult(hub.getTask(taskId) ?? final, values.output === 'json');
    return final.status === 'completed'
      ? EXIT.completed
      : final.status === 'cancelled'
        ? EXIT.cancelled
        : EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
    await hub.shutdown();
  }
}

/** Draws progress until the task ends; answers input requests in the terminal. */
async function follow(hub: Hub, taskId: string): Promise<TaskSummary> {
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
      err(`\r\x1b[2K${progressLine(latest, now, process.stderr.columns ?? 100)}`);
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
    let unsubscribe: (() => void) | undefined;
    let done = false;
    unsubscribe = hub.subscribe((event) => {
      if (done) return;
      const task = event.tasks.find((t) => t.id === taskId);
      if (!task) return;
      latest = task;
      draw();
      if (task.input && !prompting) {
        prompting = true;
        if (tty) err('\n');
        reader ??= new LineReader(process.stdin, err);
        promptForInput(reader, task.input, err)
          .then((response) => hub.respondToInput(taskId, response))
          .catch((error: Error) => err(`Could not answer: ${error.message}\n`))
          .finally(() => {
            prompting = false;
          });
      }
      if (isFinished(task.status)) {
        done = true;
        clearInterval(timer);
        unsubscribe?.();
        if (tty) err('\n');
        resolvePromise(task);
      }
    });
    // The snapshot may already hold the end (subscribe calls back at once).
    if (done) unsubscribe();
  });
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
  const hub = await startHub(dataDir);
  try {
    const deadline = Date.now() + 15_000;
    while (hub.servers().some((s) => s.status === 'starting') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const s of hub.servers()) {
      const tools = s.tools.length === 1 ? '1 tool' : `${s.tools.length} tools`;
      out(
        `${s.name.padEnd(16)} ${s.status.padEnd(9)} ${tools.padEnd(9)} ${s.error ?? s.tools.map((t) => t.name).join(', ')}\n`,
      );
    }
  } finally {
    await hub.shutdown();
  }
  return 0;
}

async function readHistory(dataDir: string) {
  const live = await DataDirLock.owner(dataDir);
  return TaskJournal.read(TaskJournal.pathIn(dataDir), live ? 'keep' : 'interrupted');
}

async function tasks(argv: string[], dataDir: string): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { all: { type: 'boolean' } } });
  const { records } = await readHistory(dataDir);
  const shown = values.all
    ? records
    : records.filter((r) => !isFinished(r.status) || records.indexOf(r) >= records.length - 20);
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

async function findRecord(idOrPrefix: string | undefined, dataDir: string) {
  if (!idOrPrefix) throw new UsageError('Give a task id (or its first characters).');
  const { records } = await readHistory(dataDir);
  const matches = records.filter((r) => r.id.startsWith(idOrPrefix));
  if (matches.length === 0) throw new Error(`No task ${idOrPrefix} in the history.`);
  if (matches.length > 1)
    throw new Error(`${idOrPrefix} matches ${matches.length} tasks; give more characters.`);
  return matches[0] as TaskDetail;
}

async function show(argv: string[], dataDir: string): Promise<number> {
  const r = await findRecord(argv[0], dataDir);
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
  const r = await findRecord(argv[0], dataDir);
  if (isFinished(r.status)) throw new Error(`Task ${r.id.slice(0, 8)} already ended (${r.status}).`);
  const owner = await DataDirLock.owner(dataDir);
  if (!owner)
    throw new Error(`No Taskdeck is running on ${dataDir}, so task ${r.id.slice(0, 8)} is not running.`);
  await ControlInbox.requestCancel(dataDir, r.id);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const now = await findRecord(r.id, dataDir);
    if (isFinished(now.status)) {
      out(`Task ${r.id.slice(0, 8)} ${now.status}.\n`);
      return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `Asked Taskdeck (pid ${owner}) to cancel ${r.id.slice(0, 8)}, but it has not ended within 10 s.`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    err(`taskdeck: ${error.message}\n`);
    if (error instanceof UsageError) err(`\n${USAGE}\n`);
    process.exit(error instanceof UsageError ? EXIT.usage : EXIT.failed);
  },
);
