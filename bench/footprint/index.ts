// Idle footprint of the web host with its four bundled servers, and what the first call
// after an idle stop costs. The built web host (out/web/index.js) runs as a user runs it,
// each contender on its own data dir whose tool caches a first, untimed start filled:
// - always-on (TASKDECK_SERVER_IDLE=0, the behaviour before servers started on demand):
//   the host and its four servers, the anchor;
// - on-demand (the default): the host alone until a tool is called.
// Contenders interleaved round-robin. Memory is the resident set (VmRSS) of the host and
// all its descendants, read from /proc once the processes settled (median of 5 samples).
// Then, on the on-demand host (idle time 2 s here), for each server: a call on the idle
// server (it starts), then the same call on the running server, then again after the
// idle stop; the first call's extra time is cold − warm.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubEvent } from '@taskdeck/contract';
import WebSocket from 'ws';
import { ROOT } from '../lib/machine.js';
import { processMemoryMb, processName, processTree } from '../lib/proc.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { ratios, spread } from '../lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 4000);
const IDLE_STOP = '2s';
const WEB_HOST = join(ROOT, 'out', 'web', 'index.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const root = mkdtempSync(join(tmpdir(), 'bench-footprint-'));

interface Host {
  child: ChildProcess;
  url: URL;
  close(): Promise<void>;
}

async function startHost(dataDir: string, idle: string): Promise<Host> {
  const child = spawn(
    process.execPath,
    [WEB_HOST, '--port', '0', '--data-dir', dataDir, '--server-idle', idle],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TASKDECK_TIME_SCALE: '0' },
    },
  );
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (match) resolve(new URL(match[1] as string));
    });
    child.once('exit', (code) => reject(new Error(`web host exited (${code}) before its URL: ${out}`)));
  });
  return {
    child,
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The tree's resident memory once settled: median of 5 samples, with each process's share. */
async function settledMemory(pid: number) {
  const samples: { total: number; processes: { name: string; rssMb: number }[] }[] = [];
  for (let i = 0; i < 5; i++) {
    const processes = processTree(pid).flatMap((p) => {
      const m = processMemoryMb(p);
      return m ? [{ name: processName(p), rssMb: Math.round(m.rssMb * 10) / 10 }] : [];
    });
    samples.push({ total: processes.reduce((n, p) => n + p.rssMb, 0), processes });
    await sleep(200);
  }
  samples.sort((a, b) => a.total - b.total);
  const median = samples[2] as (typeof samples)[number];
  return { totalMb: Math.round(median.total * 10) / 10, processes: median.processes };
}

/** A client of the web host's socket: commands, and the completion of a task. */
async function connect(host: Host) {
  const ws = new WebSocket(`ws://${host.url.host}/api`, {
    headers: { Authorization: `Bearer ${host.url.searchParams.get('token')}` },
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 0;
  const answers = new Map<number, (m: { ok: boolean; result?: unknown; error?: string }) => void>();
  const finished = new Map<string, () => void>();
  const done = new Set<string>();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.event) {
      for (const task of (message.event as HubEvent).tasks) {
        if (!['completed', 'failed', 'cancelled'].includes(task.status)) continue;
        if (task.status !== 'completed') throw new Error(`${task.tool} ended ${task.status}: ${task.error}`);
        done.add(task.id);
        finished.get(task.id)?.();
      }
      return;
    }
    answers.get(message.id)?.(message);
  });
  const command = (channel: string, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      answers.set(id, (m) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
      ws.send(JSON.stringify({ id, channel, args }));
    });
  await command('hub:subscribe');
  return {
    command,
    /** Starts a tool and waits for its task to complete: ms. */
    async call(server: string, tool: string, args: Record<string, unknown>): Promise<number> {
      const started = performance.now();
      const { taskId } = (await command('hub:start-tool', { server, tool, arguments: args })) as {
        taskId: string;
      };
      if (!done.has(taskId)) await new Promise<void>((resolve) => finished.set(taskId, resolve));
      return performance.now() - started;
    },
    async servers() {
      return (await command('hub:servers')) as { name: string; status: string }[];
    },
    close: () => ws.close(),
  };
}

async function main(): Promise<void> {
  const bench = startBench('footprint');
  const dirs = { alwaysOn: join(root, 'always-on'), onDemand: join(root, 'on-demand') };
  const idleOf = { alwaysOn: '0', onDemand: IDLE_STOP };
  // A first start of each fills its data dir (the tool caches), as the user's first run does.
  for (const [name, dir] of Object.entries(dirs)) {
    mkdirSync(dir, { recursive: true });
    const host = await startHost(dir, idleOf[name as keyof typeof dirs]);
    const client = await connect(host);
    while ((await client.servers()).some((s) => s.status !== 'ready')) await sleep(100);
    client.close();
    await host.close();
  }
  const measure = (name: keyof typeof dirs) => async () => {
    const host = await startHost(dirs[name], idleOf[name]);
    try {
      const client = await connect(host);
      const wanted = name === 'alwaysOn' ? 'ready' : 'idle';
      while ((await client.servers()).some((s) => s.status !== wanted)) await sleep(100);
      client.close();
      await sleep(SETTLE_MS);
      return await settledMemory(host.child.pid as number);
    } finally {
      await host.close();
    }
  };
  const { results, loadPerRound } = await interleave(
    ROUNDS,
    { alwaysOn: measure('alwaysOn'), onDemand: measure('onDemand') },
    (round, r) =>
      console.log(
        `round ${round}: ${Object.entries(r)
          .map(
            ([n, m]) =>
              `${n} ${m?.totalMb} MB (${m?.processes.map((p) => `${p.name} ${p.rssMb}`).join(', ')})`,
          )
          .join(' | ')}`,
      ),
  );

  // The first call after an idle stop, per server.
  const scanDir = join(root, 'scan-me');
  mkdirSync(scanDir);
  writeFileSync(join(scanDir, 'a.ts'), 'export const a = 1;\n');
  const calls: Record<string, [string, Record<string, unknown>]> = {
    'cloud-ops': ['list_services', {}],
    knowledge: ['list_sources', {}],
    analytics: [
      'generate_sample_data',
      { format: 'csv', recordCount: 10, seed: 1, outputPath: join(scanDir, 's.csv'), overwrite: true },
    ],
    'dev-tools': ['scan_project', { directory: scanDir }],
  };
  const host = await startHost(dirs.onDemand, IDLE_STOP);
  const firstCall: Record<string, { coldMs: number[]; warmMs: number[]; extraMs: number[] }> = {};
  try {
    const client = await connect(host);
    await client.command('hub:grant-roots', [scanDir]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [server, [tool, args]] of Object.entries(calls)) {
        while ((await client.servers()).find((s) => s.name === server)?.status !== 'idle') await sleep(100);
        const cold = await client.call(server, tool, args);
        const warm = await client.call(server, tool, args);
        const entry = firstCall[server] ?? { coldMs: [], warmMs: [], extraMs: [] };
        firstCall[server] = entry;
        entry.coldMs.push(Math.round(cold * 10) / 10);
        entry.warmMs.push(Math.round(warm * 10) / 10);
        entry.extraMs.push(Math.round((cold - warm) * 10) / 10);
      }
      console.log(
        `first calls, round ${round + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(firstCall).map(([s, e]) => [s, e.extraMs.at(-1)])))}`,
      );
    }
    client.close();
  } finally {
    await host.close();
  }

  const totals = (name: keyof typeof dirs) => results[name].map((r) => r.totalMb);
  const onDemand = spread(totals('onDemand'));
  const worstExtra = Math.max(...Object.values(firstCall).flatMap((e) => e.extraMs));
  const figures = {
    rounds: ROUNDS,
    loadPerRound,
    idleRssMb: { alwaysOn: spread(totals('alwaysOn')), onDemand },
    onDemandOverAlwaysOn: ratios(totals('onDemand'), totals('alwaysOn')),
    processes: { alwaysOn: results.alwaysOn.at(-1)?.processes, onDemand: results.onDemand.at(-1)?.processes },
    firstCallAfterIdleStop: Object.fromEntries(
      Object.entries(firstCall).map(([server, e]) => [
        server,
        { tool: calls[server]?.[0], ...e, extraMs: spread(e.extraMs) },
      ]),
    ),
  };
  console.log(JSON.stringify(figures, null, 2));
  bench.write(figures, [
    goal(
      'idle-rss',
      'idle hub + servers RSS (web host)',
      onDemand.max,
      'MB',
      { atMost: 150 },
      `worst of ${ROUNDS} rounds`,
    ),
    goal(
      'first-call-extra',
      'first call after an idle stop: extra time',
      worstExtra,
      'ms',
      { atMost: 300 },
      `worst of 4 servers × ${ROUNDS} rounds`,
    ),
  ]);
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
