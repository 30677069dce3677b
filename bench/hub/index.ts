// Hub benchmarks, each against an anchor measured in the same run:
// 1. Latency from a server's status change to the hub's event (p50, p99), against the
//    SDK's callToolStream on the same task. The server-side time of the change is the
//    deployment's finishedAt in cloud-ops' history, stamped just before the task ends.
// 2. 1000 concurrent tasks across 4 servers: wall time, hub memory, batches per second,
//    against the same 1000 tasks driven with callToolStream on plain SDK clients.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { HubEvent } from '@taskdeck/contract';
import { Hub } from '@taskdeck/hub';
import { summarize, writeBenchResults } from '../results-file.js';

const SERVERS_DIR = resolve(import.meta.dirname, '..', 'servers');
const CLOUD_OPS = join(SERVERS_DIR, 'cloud-ops.js');
const LATENCY_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const CONCURRENT = Number(process.env.BENCH_TASKS ?? 1000);
const SERVER_COPIES = 4;
const SERVICES = ['api-gateway', 'billing', 'search-indexer', 'web-frontend'];
const ENVS = ['dev', 'staging'];

const root = mkdtempSync(join(tmpdir(), 'bench-hub-'));
const dir = (name: string) => join(root, name);

let version = 0;
const deployArgs = (i: number) => ({
  serviceName: SERVICES[i % SERVICES.length] as string,
  environment: ENVS[Math.floor(i / SERVICES.length) % ENVS.length] as string,
  version: `7.0.${version++}`,
});

async function lastFinishedAt(client: Client | Hub, server: string): Promise<number> {
  const args = { limit: 1 };
  if (client instanceof Client) {
    const result = await client.callTool({ name: 'get_deployment_history', arguments: args });
    return Date.parse(
      (result.structuredContent as { operations: { finishedAt: string }[] }).operations[0]?.finishedAt ?? '',
    );
  }
  const { taskId } = await client.startTool({ server, tool: 'get_deployment_history', arguments: args });
  for (;;) {
    const detail = client.getTask(taskId);
    if (detail?.result) {
      return Date.parse(
        (detail.result.structuredContent as { operations: { finishedAt: string }[] }).operations[0]
          ?.finishedAt ?? '',
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function sdkClient(dataDir: string, timeScale: string) {
  const client = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLOUD_OPS],
    env: { PATH: process.env.PATH ?? '', TASKDECK_DATA_DIR: dataDir, TASKDECK_TIME_SCALE: timeScale },
    stderr: 'ignore',
  });
  const connect = async () => {
    await client.connect(transport);
    await client.listTools(); // callToolStream reads taskSupport from the tools cache
  };
  return { client, connect };
}

async function latencyViaCallToolStream(): Promise<number[]> {
  const { client, connect } = sdkClient(dir('anchor-latency'), '0');
  await connect();
  const samples: number[] = [];
  for (let i = 0; i <= LATENCY_ROUNDS; i++) {
    let resultAt = 0;
    for await (const message of client.experimental.tasks.callToolStream({
      name: 'deploy_service',
      arguments: deployArgs(i),
    })) {
      if (message.type === 'result') resultAt = Date.now();
    }
    if (i > 0) samples.push(resultAt - (await lastFinishedAt(client, 'cloud-ops')));
  }
  await client.close();
  return samples;
}

async function latencyViaHub(): Promise<number[]> {
  const hub = await Hub.start({
    dataDir: dir('hub-latency'),
    bundledServersDir: SERVERS_DIR,
    env: { TASKDECK_TIME_SCALE: '0' },
  });
  await waitReady(hub, ['cloud-ops']);
  const finishedAt = new Map<string, number>();
  const unsubscribe = hub.subscribe((event) => {
    for (const task of event.tasks)
      if (task.status === 'completed' && !finishedAt.has(task.id)) finishedAt.set(task.id, Date.now());
  });
  const samples: number[] = [];
  for (let i = 0; i <= LATENCY_ROUNDS; i++) {
    const { taskId } = await hub.startTool({
      server: 'cloud-ops',
      tool: 'deploy_service',
      arguments: deployArgs(i),
    });
    while (!finishedAt.has(taskId)) await new Promise((r) => setTimeout(r, 1));
    if (i > 0) samples.push((finishedAt.get(taskId) as number) - (await lastFinishedAt(hub, 'cloud-ops')));
  }
  unsubscribe();
  await hub.shutdown();
  return samples;
}

async function waitReady(hub: Hub, names: string[]) {
  while (!names.every((n) => hub.servers().find((s) => s.name === n)?.status === 'ready')) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function concurrentViaCallToolStream(): Promise<{ seconds: number }> {
  const clients = await Promise.all(
    Array.from({ length: SERVER_COPIES }, async (_, i) => {
      const c = sdkClient(dir(`anchor-ops-${i}`), '0.02');
      await c.connect();
      return c.client;
    }),
  );
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const client = clients[i % SERVER_COPIES] as Client;
      for await (const message of client.experimental.tasks.callToolStream(
        { name: 'deploy_service', arguments: deployArgs(i) },
        undefined,
        { timeout: 600_000 },
      )) {
        if (message.type === 'error') throw message.error;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  return { seconds };
}

async function concurrentViaHub() {
  const dataDir = dir('hub-concurrent');
  const userServers = Object.fromEntries(
    Array.from({ length: SERVER_COPIES }, (_, i) => [
      `ops-${i}`,
      {
        command: process.execPath,
        args: [CLOUD_OPS],
        env: { TASKDECK_DATA_DIR: dir(`hub-ops-${i}`), TASKDECK_TIME_SCALE: '0.02' },
      },
    ]),
  );
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'servers.json'), JSON.stringify({ mcpServers: userServers }));
  const hub = await Hub.start({ dataDir, bundledServersDir: join(root, 'no-bundled-servers') });
  const names = Object.keys(userServers);
  await waitReady(hub, names);
  const batchTimes: number[] = [];
  let done = 0;
  const unsubscribe = hub.subscribe((event: HubEvent) => {
    if (event.type !== 'batch') return;
    batchTimes.push(performance.now());
    done += event.tasks.filter((t) => t.status === 'completed' || t.status === 'failed').length;
  });
  global.gc?.();
  const memory = { rssMb: 0, heapMb: 0 };
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    memory.rssMb = Math.max(memory.rssMb, m.rss / 2 ** 20);
    memory.heapMb = Math.max(memory.heapMb, m.heapUsed / 2 ** 20);
  }, 50);
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      hub.startTool({
        server: names[i % names.length] as string,
        tool: 'deploy_service',
        arguments: deployArgs(i),
      }),
    ),
  );
  while (ids.some(({ taskId }) => !['completed', 'failed'].includes(hub.getTask(taskId)?.status ?? ''))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  const failed = ids.filter(({ taskId }) => hub.getTask(taskId)?.status !== 'completed').length;
  // Batches per second: the busiest one-second window, and the mean.
  let busiest = 0;
  for (let i = 0, j = 0; i < batchTimes.length; i++) {
    while ((batchTimes[i] as number) - (batchTimes[j] as number) > 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  unsubscribe();
  await hub.shutdown();
  return {
    seconds,
    failed,
    finishedSeenInBatches: done,
    batches: batchTimes.length,
    batchesPerSecondMean: Math.round((batchTimes.length / seconds) * 10) / 10,
    batchesPerSecondMax: busiest,
    peakRssMb: Math.round(memory.rssMb),
    peakHeapMb: Math.round(memory.heapMb),
  };
}

try {
  const anchorLatency = summarize(await latencyViaCallToolStream());
  const hubLatency = summarize(await latencyViaHub());
  const anchorConcurrent = await concurrentViaCallToolStream();
  const hubConcurrent = await concurrentViaHub();
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  console.log(`status change → event latency (ms), ${LATENCY_ROUNDS} tasks each`);
  console.log(`  callToolStream (anchor)  p50 ${anchorLatency.p50}  p99 ${anchorLatency.p99}`);
  console.log(
    `  hub event                p50 ${hubLatency.p50}  p99 ${hubLatency.p99}  (x${ratio(hubLatency.p50, anchorLatency.p50)} / x${ratio(hubLatency.p99, anchorLatency.p99)} of anchor)`,
  );
  console.log(`${CONCURRENT} concurrent deploy tasks across ${SERVER_COPIES} servers`);
  console.log(`  callToolStream (anchor)  ${anchorConcurrent.seconds.toFixed(2)} s`);
  console.log(
    `  hub                      ${hubConcurrent.seconds.toFixed(2)} s (x${ratio(hubConcurrent.seconds, anchorConcurrent.seconds)} of anchor), ` +
      `${hubConcurrent.failed} failed, peak RSS ${hubConcurrent.peakRssMb} MB, heap ${hubConcurrent.peakHeapMb} MB, ` +
      `batches/s mean ${hubConcurrent.batchesPerSecondMean} max ${hubConcurrent.batchesPerSecondMax}`,
  );
  const path = writeBenchResults('hub', {
    latencyMs: { anchorCallToolStream: anchorLatency, hubEvent: hubLatency },
    concurrent: {
      tasks: CONCURRENT,
      servers: SERVER_COPIES,
      anchorCallToolStreamSeconds: anchorConcurrent.seconds,
      hub: hubConcurrent,
    },
  });
  console.log(`figures: ${path}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
