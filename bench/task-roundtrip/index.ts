// Task round trip (create → completed → result) and status-notification latency over
// stdio, for our notification-driven client path against the SDK's own callToolStream
// (the anchor: it polls tasks/get at the task's pollInterval), on the same server and
// tool in the same run. Also a plain call to the same `optional` task tool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { summarize, writeBenchResults } from '../results-file.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const SERVER = resolve(import.meta.dirname, '..', 'servers', 'cloud-ops.js');
// Scale 0: the simulated steps take no time, so what is measured is the protocol path
// (plus the state file's fsync). Each round deploys another version so work really runs.
let round = 0;
const nextArgs = () => ({ serviceName: 'billing', environment: 'dev', version: `9.0.${round++}` });
const TOOL = 'deploy_service';

const dataDir = mkdtempSync(join(tmpdir(), 'bench-roundtrip-'));
const client = new Client({ name: 'bench', version: '1' });
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [SERVER],
  env: { PATH: process.env.PATH ?? '', TASKDECK_DATA_DIR: dataDir, TASKDECK_TIME_SCALE: '0' },
  stderr: 'ignore',
});

const terminalWaiters = new Map<string, (task: Task, receivedAt: number) => void>();
client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
  const receivedAt = performance.timeOrigin + performance.now();
  if (['completed', 'failed', 'cancelled'].includes(n.params.status))
    terminalWaiters.get(n.params.taskId)?.(n.params, receivedAt);
});
await client.connect(transport);
await client.listTools();

/** Our path: create the task, react to its status notification, fetch the result once. */
async function viaNotifications() {
  const started = performance.now();
  const { task } = await client.request(
    { method: 'tools/call', params: { name: TOOL, arguments: nextArgs(), task: {} } },
    CreateTaskResultSchema,
  );
  const [final, receivedAt] = await new Promise<[Task, number]>((done) =>
    terminalWaiters.set(task.taskId, (t, at) => done([t, at])),
  );
  terminalWaiters.delete(task.taskId);
  await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
  return {
    roundTripMs: performance.now() - started,
    statusLatencyMs: receivedAt - Date.parse(final.lastUpdatedAt),
  };
}

/** The anchor: the SDK's callToolStream, which polls tasks/get. */
async function viaCallToolStream() {
  const started = performance.now();
  let taskId = '';
  let resultAt = 0;
  for await (const message of client.experimental.tasks.callToolStream({
    name: TOOL,
    arguments: nextArgs(),
  })) {
    if (message.type === 'taskCreated') taskId = message.task.taskId;
    if (message.type === 'result') resultAt = performance.timeOrigin + performance.now();
    if (message.type === 'error') throw message.error;
  }
  const roundTripMs = performance.now() - started;
  const final = await client.experimental.tasks.getTask(taskId);
  return { roundTripMs, statusLatencyMs: resultAt - Date.parse(final.lastUpdatedAt) };
}

async function plainCall() {
  const started = performance.now();
  await client.callTool({ name: TOOL, arguments: nextArgs() });
  return { roundTripMs: performance.now() - started };
}

async function measure<T extends Record<string, number>>(
  run: () => Promise<T>,
): Promise<Record<keyof T, number[]>> {
  await run(); // warm-up
  const samples = {} as Record<keyof T, number[]>;
  for (let i = 0; i < ROUNDS; i++) {
    for (const [key, value] of Object.entries(await run()) as [keyof T, number][]) {
      samples[key] = [...(samples[key] ?? []), value];
    }
  }
  return samples;
}

const anchor = await measure(viaCallToolStream);
const ours = await measure(viaNotifications);
const plain = await measure(plainCall);
await client.close();
rmSync(dataDir, { recursive: true, force: true });

const figures = {
  rounds: ROUNDS,
  anchor: 'SDK callToolStream (polls tasks/get at pollInterval)',
  callToolStream: {
    roundTripMs: summarize(anchor.roundTripMs),
    statusLatencyMs: summarize(anchor.statusLatencyMs),
  },
  notifications: {
    roundTripMs: summarize(ours.roundTripMs),
    statusLatencyMs: summarize(ours.statusLatencyMs),
  },
  plainCall: { roundTripMs: summarize(plain.roundTripMs) },
};
const ratio = (a: number, b: number) => (a / b).toFixed(3);
const rows = [
  ['callToolStream (anchor)', figures.callToolStream.roundTripMs, figures.callToolStream.statusLatencyMs],
  ['status notifications', figures.notifications.roundTripMs, figures.notifications.statusLatencyMs],
  ['plain call (optional tool)', figures.plainCall.roundTripMs, undefined],
] as const;
console.log(`task round trip over stdio, ${ROUNDS} rounds each (ms)`);
for (const [name, trip, latency] of rows) {
  console.log(
    `${name.padEnd(28)} round trip p50 ${trip.p50} p99 ${trip.p99} (x${ratio(trip.p50, figures.callToolStream.roundTripMs.p50)} of anchor)` +
      (latency ? `  status latency p50 ${latency.p50} p99 ${latency.p99}` : ''),
  );
}
console.log(`figures: ${writeBenchResults('task-roundtrip', figures)}`);
