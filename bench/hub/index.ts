// Hub benchmarks over stdio, contenders interleaved round-robin in every round:
// 1. Status change → event latency. The change's time is stamped by the server's work
//    the moment it ends (bench/lib/stamp-server.ts: a zero-duration tool on our task
//    runtime, which then marks the task completed and notifies). Contenders: the hub
//    (time its subscriber receives the completed task), a bare SDK client reacting to the
//    status notification and fetching the result (the least any client can do over
//    stdio), and the SDK's callToolStream (which polls).
// 2. 1000 concurrent zero-duration tasks across 4 servers: wall and CPU time (this
//    process and the servers), hub memory, batches per second; against the same 1000
//    tasks through the SDK's callToolStream on 4 plain clients.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { HubEvent, TaskSummary } from '@taskdeck/contract';
import { Hub } from '@taskdeck/hub';
import { processCpuMs } from '../lib/proc.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { runStampServerIfAsked, STAMP_SERVER_FLAG, stampedAt, wallNow } from '../lib/stamp-server.js';
import { type Distribution, distribution, ratios, spread } from '../lib/stats.js';
import { taskCalls } from '../lib/task-calls.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// 200: the p99 of a round is then its second-worst sample, not its worst.
const LATENCY_TASKS = Number(process.env.BENCH_LATENCY_TASKS ?? 200);
/**
 * A quiet spell between the latency tasks: the hub batches only under load, and a task
 * (3 batches: created, accepted, completed) finds its budget full again after this long
 * (one batch back every 38 ms). Every contender waits the same.
 */
const QUIET_MS = 120;
const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));
const CONCURRENT = Number(process.env.BENCH_TASKS ?? 1000);
const SERVER_COPIES = 4;
const SELF = fileURLToPath(import.meta.url);
const STAMP_COMMAND = { command: process.execPath, args: [SELF, STAMP_SERVER_FLAG] };

let root = '';

/** A plain SDK client on its own stamp server. */
async function sdkClient(): Promise<{ client: Client; pid: number }> {
  const client = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({ ...STAMP_COMMAND, stderr: 'ignore' });
  await client.connect(transport);
  await client.listTools(); // callToolStream reads taskSupport from the tools cache
  return { client, pid: transport.pid as number };
}

/** A hub whose only servers are `copies` stamp servers (user servers, always on). */
async function stampHub(name: string, copies: number): Promise<Hub> {
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const servers = Object.fromEntries(Array.from({ length: copies }, (_, i) => [`stamp-${i}`, STAMP_COMMAND]));
  writeFileSync(join(dataDir, 'servers.json'), JSON.stringify({ mcpServers: servers }));
  const hub = await Hub.start({
    dataDir,
    bundledServersDir: join(root, 'no-bundled-servers'),
  });
  while (!hub.servers().every((s) => s.status === 'ready')) await new Promise((r) => setTimeout(r, 20));
  return hub;
}

const finished = (t: TaskSummary) => t.status === 'completed' || t.status === 'failed';

/** Latency through the hub: the completed task's arrival at a subscriber. */
function hubLatency(hub: Hub) {
  const arrived = new Map<string, number>();
  hub.subscribe((event) => {
    const at = wallNow();
    for (const task of event.tasks) if (finished(task) && !arrived.has(task.id)) arrived.set(task.id, at);
  });
  return async (): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const { taskId } = await hub.startTool({ server: 'stamp-0', tool: 'stamp', arguments: {} });
      while (!arrived.has(taskId)) await new Promise((r) => setImmediate(r));
      const detail = hub.getTask(taskId);
      if (detail?.status !== 'completed')
        throw new Error(`stamp task ended ${detail?.status}: ${detail?.error}`);
      samples.push((arrived.get(taskId) as number) - stampedAt(detail.result));
      await quiet();
    }
    return samples;
  };
}

/** The least a client does over stdio: status notification → tasks/result. */
function notificationLatency(client: Client) {
  const tasks = taskCalls(client);
  return async (): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const task = await tasks.start('stamp', {});
      await tasks.ended(task);
      const result = await tasks.result(task.taskId);
      samples.push(wallNow() - stampedAt(result));
      await quiet();
    }
    return samples;
  };
}

function callToolStreamLatency(client: Client) {
  return async (): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      for await (const message of client.experimental.tasks.callToolStream({
        name: 'stamp',
        arguments: {},
      })) {
        if (message.type === 'error') throw message.error;
        if (message.type === 'result')
          samples.push(wallNow() - stampedAt(message.result as { structuredContent?: unknown }));
      }
      await quiet();
    }
    return samples;
  };
}

interface ConcurrentRun {
  seconds: number;
  /** This process (hub or SDK clients) plus the servers. */
  cpuMs: number;
  failed: number;
  peakRssMb?: number;
  batchesPerSecondMax?: number;
  batches?: number;
}

/** CPU time of this process and the given live server processes. */
function cpuNow(serverPids: number[]): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + serverPids.reduce((n, pid) => n + (processCpuMs(pid) ?? 0), 0);
}

async function concurrentViaSdk(clients: { client: Client; pid: number }[]): Promise<ConcurrentRun> {
  const pids = clients.map((c) => c.pid);
  const cpuBefore = cpuNow(pids);
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const { client } = clients[i % clients.length] as { client: Client };
      for await (const message of client.experimental.tasks.callToolStream(
        { name: 'stamp', arguments: { n: i } },
        undefined,
        { timeout: 600_000 },
      )) {
        if (message.type === 'error') failed++;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, cpuMs: cpuNow(pids) - cpuBefore, failed };
}

async function concurrentViaHub(hub: Hub): Promise<ConcurrentRun> {
  const names = hub.servers().map((s) => s.name);
  const pids = hub.servers().map((s) => s.pid as number);
  const batchTimes: number[] = [];
  const unsubscribe = hub.subscribe((event: HubEvent) => {
    if (event.type === 'batch') batchTimes.push(performance.now());
  });
  global.gc?.();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 25);
  const cpuBefore = cpuNow(pids);
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      hub.startTool({ server: names[i % names.length] as string, tool: 'stamp', arguments: { n: i } }),
    ),
  );
  const over = () =>
    ids.every(({ taskId }) => finished(hub.getTask(taskId) ?? ({ status: 'working' } as TaskSummary)));
  while (!over()) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuNow(pids) - cpuBefore;
  clearInterval(sampler);
  unsubscribe();
  let busiest = 0;
  for (let i = 0, j = 0; i < batchTimes.length; i++) {
    while ((batchTimes[i] as number) - (batchTimes[j] as number) >= 1000) j++; // windows of [t, t + 1 s)
    busiest = Math.max(busiest, i - j + 1);
  }
  return {
    seconds,
    cpuMs,
    failed: ids.filter(({ taskId }) => hub.getTask(taskId)?.status !== 'completed').length,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    batchesPerSecondMax: busiest,
    batches: batchTimes.length,
  };
}

async function main(): Promise<void> {
  const bench = startBench('hub');
  root = mkdtempSync(join(tmpdir(), 'bench-hub-'));
  console.log(`${ROUNDS} rounds; latency: ${LATENCY_TASKS} tasks per contender per round`);
  const latencyHub = await stampHub('latency', 1);
  const notifier = await sdkClient();
  const streamer = await sdkClient();
  const contenders = {
    hub: hubLatency(latencyHub),
    sdkNotifications: notificationLatency(notifier.client),
    sdkCallToolStream: callToolStreamLatency(streamer.client),
  };
  for (const run of Object.values(contenders)) await run(); // warm-up (JIT), not counted
  const latency = await interleave(ROUNDS, contenders, (round, r) =>
    console.log(
      `latency round ${round}: ${Object.entries(r)
        .map(([name, samples]) => {
          const d = distribution(samples as number[]);
          return `${name} p50 ${d.p50} p99 ${d.p99} ms`;
        })
        .join(' | ')}`,
    ),
  );
  await latencyHub.shutdown();
  await notifier.client.close();
  await streamer.client.close();

  console.log(`${CONCURRENT} concurrent zero-duration tasks across ${SERVER_COPIES} servers`);
  const concurrentHub = await stampHub('concurrent', SERVER_COPIES);
  const sdkClients = await Promise.all(Array.from({ length: SERVER_COPIES }, () => sdkClient()));
  const concurrent = await interleave(
    ROUNDS,
    { hub: () => concurrentViaHub(concurrentHub), sdkCallToolStream: () => concurrentViaSdk(sdkClients) },
    (round, r) => console.log(`concurrent round ${round}: ${JSON.stringify(r)}`),
  );
  await concurrentHub.shutdown();
  await Promise.all(sdkClients.map((c) => c.client.close()));

  const perRound = (samples: number[][]) => samples.map(distribution);
  const byRound = Object.fromEntries(
    Object.entries(latency.results).map(([name, rounds]) => [name, perRound(rounds as number[][])]),
  ) as Record<keyof typeof contenders, Distribution[]>;
  const hubP50 = spread(byRound.hub.map((d) => d.p50));
  const hubP99 = spread(byRound.hub.map((d) => d.p99));
  const hubRuns = concurrent.results.hub;
  const sdkRuns = concurrent.results.sdkCallToolStream;
  const figures = {
    rounds: ROUNDS,
    latency: {
      tasksPerRound: LATENCY_TASKS,
      loadPerRound: latency.loadPerRound,
      perRound: byRound,
      hubP50: hubP50,
      hubP99: hubP99,
      p50HubOverSdkNotifications: ratios(
        byRound.hub.map((d) => d.p50),
        byRound.sdkNotifications.map((d) => d.p50),
      ),
      p50HubOverCallToolStream: ratios(
        byRound.hub.map((d) => d.p50),
        byRound.sdkCallToolStream.map((d) => d.p50),
      ),
    },
    concurrent: {
      tasks: CONCURRENT,
      servers: SERVER_COPIES,
      loadPerRound: concurrent.loadPerRound,
      hub: hubRuns,
      sdkCallToolStream: sdkRuns,
      hubSeconds: spread(hubRuns.map((r) => r.seconds)),
      sdkSeconds: spread(sdkRuns.map((r) => r.seconds)),
      wallHubOverSdk: ratios(
        hubRuns.map((r) => r.seconds),
        sdkRuns.map((r) => r.seconds),
      ),
      cpuHubOverSdk: ratios(
        hubRuns.map((r) => r.cpuMs),
        sdkRuns.map((r) => r.cpuMs),
      ),
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  const worstBatches = Math.max(...hubRuns.map((r) => r.batchesPerSecondMax ?? 0));
  bench.write(figures, [
    goal('latency-p50', 'status → event p50', hubP50.max, 'ms', { atMost: 5 }, `worst of ${ROUNDS} rounds`),
    goal('latency-p99', 'status → event p99', hubP99.max, 'ms', { atMost: 25 }, `worst of ${ROUNDS} rounds`),
    goal(
      'batches-per-second',
      `batches/s under ${CONCURRENT} tasks`,
      worstBatches,
      '/s',
      { atMost: 30 },
      'busiest 1 s window, worst round',
    ),
    goal(
      'concurrent-failed',
      `${CONCURRENT} concurrent tasks that failed`,
      Math.max(...hubRuns.map((r) => r.failed)),
      'tasks',
      { atMost: 0 },
      'worst round',
    ),
  ]);
}

try {
  if (!(await runStampServerIfAsked())) await main();
} finally {
  if (root) rmSync(root, { recursive: true, force: true });
}
