/**
 * analyze_csv on the real tool path against DuckDB, on the same generated CSV file.
 * Contenders interleaved round-robin (5 rounds by default), each a fresh process tree
 * measured from /proc (wall, CPU of every process and thread, each process's peak memory):
 * - tool: an MCP client process that starts the built analytics server
 *   (out/servers/analytics.js) over stdio and calls analyze_csv as a task, as Taskdeck
 *   does (create, status and progress notifications, tasks/result);
 * - duckdb: a Node process that loads @duckdb/node-api and runs `SUMMARIZE` over
 *   read_csv of the file: the same kind of start-up (a process, a runtime, an engine);
 * - cat: `cat FILE > /dev/null`, the floor.
 * Then one cancel through the tool path: cancelled 1 s in, time until the task says so.
 *
 *   npm run bench analytics     (BENCH_CSV_MB=1000 for the 1 GB file, BENCH_ROUNDS, BENCH_CSV_DIR)
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, ProgressNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { writeSampleData } from '../../servers/analytics/sample-data.js';
import { ROOT } from '../lib/machine.js';
import { type CommandRun, runCommand } from '../lib/proc.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { ratios, spread } from '../lib/stats.js';
import { taskCalls } from '../lib/task-calls.js';

// Issue 15, goal 1, measured here on the tool path: at DuckDB SUMMARIZE's wall and CPU time,
// in 250 MB, first progress in 250 ms, cancel in 100 ms.
const TARGETS = { vsDuckDb: 1.0, cpuVsDuckDb: 1.0, rssMb: 250, firstProgressMs: 250, cancelMs: 100 };
const MB = 1024 * 1024;
const SELF = fileURLToPath(import.meta.url);
const SERVER = join(ROOT, 'out', 'servers', 'analytics.js');

interface ChildFigures {
  rows?: number;
  firstProgressMs?: number;
  cancelMs?: number;
  status?: string;
}

/** The tool path, in a child process: start the server, call analyze_csv as a task. */
async function toolChild(file: string, cancelAfterMs?: number): Promise<ChildFigures> {
  let started = performance.now();
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: { roots: {} } });
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: pathToFileURL(dirname(file)).href }],
  }));
  let firstProgressMs: number | undefined;
  client.setNotificationHandler(ProgressNotificationSchema, () => {
    firstProgressMs ??= performance.now() - started;
  });
  const tasks = taskCalls(client);
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [SERVER], stderr: 'inherit' }),
  );
  started = performance.now(); // first progress: from the call, the server running
  const task = await tasks.start('analyze_csv', { filePath: file }, { progressToken: 1 });
  let cancelMs: number | undefined;
  if (cancelAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, cancelAfterMs));
    const asked = performance.now();
    await client.experimental.tasks.cancelTask(task.taskId);
    const { status } = await tasks.ended(task);
    cancelMs = performance.now() - asked;
    await client.close();
    return { cancelMs: Math.round(cancelMs), status };
  }
  const { status } = await tasks.ended(task);
  const result = await tasks.result(task.taskId, 3_600_000);
  await client.close();
  const rows = (result.structuredContent as { rows?: number } | undefined)?.rows;
  return { rows, firstProgressMs: firstProgressMs && Math.round(firstProgressMs), status };
}

async function duckdbChild(file: string): Promise<ChildFigures> {
  // Loaded at run time (a native module, not bundled).
  const specifier = '@duckdb/node-api';
  const duckdb: typeof import('@duckdb/node-api') = await import(specifier);
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quoted = file.replaceAll("'", "''");
  const reader = await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv('${quoted}')`);
  return { rows: reader.getRowObjects().length, status: 'completed' };
}

function childRun(kind: string, file: string): () => Promise<CommandRun> {
  return async () => {
    const run = await runCommand(process.execPath, [SELF, '--child', kind, file], { cwd: ROOT });
    if (run.exitCode !== 0) throw new Error(`${kind} failed: ${run.stderr.slice(-2000)}`);
    return run;
  };
}

const figuresOf = (run: CommandRun): ChildFigures => JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');

async function ensureFile(dir: string, megabytes: number): Promise<string> {
  const path = join(dir, `orders-${megabytes}mb.csv`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, 'probe.csv');
  const { bytes } = await writeSampleData({ format: 'csv', recordCount: 20_000, seed: 1, path: probe });
  rmSync(probe);
  const recordCount = Math.min(10_000_000, Math.ceil((megabytes * MB) / (bytes / 20_000)));
  console.log(`generating ${path} (${recordCount.toLocaleString('en-US')} records)…`);
  await writeSampleData({ format: 'csv', recordCount, seed: 1, path });
  return path;
}

async function main(): Promise<void> {
  const bench = startBench('analytics');
  const megabytes = Number(process.env.BENCH_CSV_MB ?? 200);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const file = await ensureFile(process.env.BENCH_CSV_DIR ?? join(tmpdir(), 'taskdeck-bench-csv'), megabytes);
  const bytes = statSync(file).size;
  console.log(`file: ${file} (${(bytes / MB).toFixed(0)} MB), ${rounds} rounds`);
  const cat = async () => runCommand('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file]);
  await cat(); // warm the page cache: every contender then reads from memory
  const { results, loadPerRound } = await interleave(
    rounds,
    { tool: childRun('tool', file), duckdb: childRun('duckdb', file), cat },
    (round, r) =>
      console.log(
        `round ${round}: ${Object.entries(r)
          .map(
            ([n, x]) =>
              `${n} ${((x?.wallMs ?? 0) / 1000).toFixed(2)} s (cpu ${((x?.cpuMs ?? 0) / 1000).toFixed(1)} s, peak ${x?.memory.processes[0]?.peakMb} MB)`,
          )
          .join(' | ')}`,
      ),
  );
  const cancel = figuresOf(await childRun('cancel', file)());

  const wall = (runs: CommandRun[]) => runs.map((r) => r.wallMs / 1000);
  const cpu = (runs: CommandRun[]) => runs.map((r) => r.cpuMs / 1000);
  const serverPeak = (run: CommandRun) =>
    run.memory.processes.find((p) => p.name.includes('analytics.js'))?.peakMb ?? Number.NaN;
  const toolFigures = results.tool.map(figuresOf);
  const duckFigures = results.duckdb.map(figuresOf);
  const vsDuckDb = ratios(wall(results.tool), wall(results.duckdb));
  const figures = {
    file: { path: file, megabytes: Math.round(bytes / MB) },
    rounds,
    loadPerRound,
    wallSeconds: {
      tool: spread(wall(results.tool)),
      duckdb: spread(wall(results.duckdb)),
      cat: spread(wall(results.cat)),
    },
    cpuSeconds: { tool: spread(cpu(results.tool)), duckdb: spread(cpu(results.duckdb)) },
    peakMb: {
      analyticsServer: spread(results.tool.map(serverPeak)),
      toolTreeSumOfPeaks: spread(results.tool.map((r) => r.memory.sumOfPeaksMb)),
      duckdb: spread(results.duckdb.map((r) => r.memory.sumOfPeaksMb)),
    },
    ratios: {
      wallToolOverDuckDb: vsDuckDb,
      cpuToolOverDuckDb: ratios(cpu(results.tool), cpu(results.duckdb)),
      wallToolOverCat: ratios(wall(results.tool), wall(results.cat)),
    },
    firstProgressMs: spread(toolFigures.map((f) => f.firstProgressMs ?? Number.NaN)),
    rows: { tool: toolFigures[0]?.rows, duckdbSummarizeColumns: duckFigures[0]?.rows },
    cancel,
  };
  console.log(JSON.stringify(figures, null, 2));
  bench.write(figures, [
    goal(
      'csv-vs-duckdb',
      `analyze_csv / DuckDB SUMMARIZE, ${figures.file.megabytes} MB (wall)`,
      vsDuckDb.median,
      '×',
      { atMost: TARGETS.vsDuckDb },
      `median of ${rounds} per-round ratios (${figures.ratios.wallToolOverDuckDb.min}–${figures.ratios.wallToolOverDuckDb.max})`,
    ),
    goal(
      'csv-cpu-vs-duckdb',
      `analyze_csv / DuckDB SUMMARIZE, ${figures.file.megabytes} MB (CPU)`,
      figures.ratios.cpuToolOverDuckDb.median,
      '×',
      { atMost: TARGETS.cpuVsDuckDb },
      `median of ${rounds} per-round ratios (${figures.ratios.cpuToolOverDuckDb.min}–${figures.ratios.cpuToolOverDuckDb.max})`,
    ),
    goal(
      'csv-peak-rss',
      'analytics server peak RSS',
      figures.peakMb.analyticsServer.max,
      'MB',
      { atMost: TARGETS.rssMb },
      `worst of ${rounds} rounds`,
    ),
    goal(
      'csv-first-progress',
      'first progress after the call',
      figures.firstProgressMs.max,
      'ms',
      { atMost: TARGETS.firstProgressMs },
      `worst of ${rounds} rounds`,
    ),
    goal(
      'csv-cancel',
      'cancel honoured',
      cancel.status === 'cancelled' ? (cancel.cancelMs ?? null) : null,
      'ms',
      { atMost: TARGETS.cancelMs },
      'one cancel, 1 s in',
    ),
  ]);
}

if (process.argv[2] === '--child') {
  const [kind, file] = [process.argv[3] ?? '', process.argv[4] ?? ''];
  const figures =
    kind === 'duckdb' ? await duckdbChild(file) : await toolChild(file, kind === 'cancel' ? 1000 : undefined);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
} else {
  await main();
}
