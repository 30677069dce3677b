// Task round trip over stdio on our task runtime, contenders interleaved round-robin on
// the same zero-duration tool (bench/lib/stamp-server.ts), so what is measured is the
// protocol path alone:
// - task: tools/call with `task` → status notification → tasks/result (what the hub does
//   for every task-capable tool);
// - plain: a plain tools/call of the same `optional` tool (answered inline by our runtime);
// - callToolStream: the SDK's own task helper (it polls tasks/get), the anchor.
// Also the status-notification latency: the work's end (stamped) → notification received.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { runStampServerIfAsked, STAMP_SERVER_FLAG, stampedAt } from '../lib/stamp-server.js';
import { distribution, ratios, spread } from '../lib/stats.js';
import { taskCalls } from '../lib/task-calls.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);

async function main(): Promise<void> {
  const bench = startBench('task-roundtrip');
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [fileURLToPath(import.meta.url), STAMP_SERVER_FLAG],
      stderr: 'ignore',
    }),
  );
  await client.listTools();
  const tasks = taskCalls(client);

  const many = async (one: () => Promise<{ ms: number; notifiedMs?: number }>) => {
    const ms: number[] = [];
    const notifiedMs: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const r = await one();
      ms.push(r.ms);
      if (r.notifiedMs !== undefined) notifiedMs.push(r.notifiedMs);
    }
    return { ms, notifiedMs };
  };
  const task = async () => {
    const started = performance.now();
    const task = await tasks.start('stamp', {});
    const { at } = await tasks.ended(task);
    const result = await tasks.result(task.taskId);
    return { ms: performance.now() - started, notifiedMs: at - stampedAt(result) };
  };
  const plain = async () => {
    const started = performance.now();
    await client.callTool({ name: 'stamp', arguments: {} });
    return { ms: performance.now() - started };
  };
  const stream = async () => {
    const started = performance.now();
    for await (const message of client.experimental.tasks.callToolStream({ name: 'stamp', arguments: {} }))
      if (message.type === 'error') throw message.error;
    return { ms: performance.now() - started };
  };
  const contenders = {
    task: () => many(task),
    plain: () => many(plain),
    callToolStream: () => many(stream),
  };
  for (const run of Object.values(contenders)) await run(); // warm-up
  const { results, loadPerRound } = await interleave(ROUNDS, contenders, (round, r) =>
    console.log(
      `round ${round}: ${Object.entries(r)
        .map(([name, x]) => `${name} p50 ${distribution(x?.ms ?? []).p50} ms`)
        .join(' | ')}`,
    ),
  );
  await client.close();

  const p50s = (name: keyof typeof contenders) => results[name].map((r) => distribution(r.ms).p50);
  const taskOverPlain = ratios(p50s('task'), p50s('plain'));
  const figures = {
    rounds: ROUNDS,
    callsPerRound: CALLS,
    loadPerRound,
    roundTripP50Ms: {
      task: spread(p50s('task')),
      plain: spread(p50s('plain')),
      callToolStream: spread(p50s('callToolStream')),
    },
    perRound: Object.fromEntries(
      Object.entries(results).map(([name, rounds]) => [name, rounds.map((r) => distribution(r.ms))]),
    ),
    statusNotificationMs: results.task.map((r) => distribution(r.notifiedMs)),
    taskOverPlainP50: taskOverPlain,
    taskOverCallToolStreamP50: ratios(p50s('task'), p50s('callToolStream')),
  };
  console.log(JSON.stringify(figures, null, 2));
  // The README says a task costs about what a plain call does: a task is one request more
  // (tasks/result), so the claim is read as "at most 1 ms more", whatever the ratio on a
  // tool that does nothing.
  const extra = spread(p50s('task').map((t, i) => t - (p50s('plain')[i] as number)));
  bench.write({ ...figures, taskMinusPlainP50Ms: extra }, [
    goal(
      'task-extra-ms',
      'task round trip − plain call (p50; README: about the same)',
      extra.median,
      'ms',
      { atMost: 1 },
      `median of ${ROUNDS} rounds; ratio ${taskOverPlain.median}×`,
    ),
  ]);
}

if (!(await runStampServerIfAsked())) await main();
