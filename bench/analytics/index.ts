/**
 * Benchmark of analyze_csv's streaming profiler against DuckDB `SUMMARIZE` and the
 * `cat FILE > /dev/null` floor (the anchor), measured in the same run on the same file.
 *
 *   npm run bench analytics
 *   (or: npx esbuild bench/analytics/index.ts --bundle --platform=node --format=esm --target=node20 \
 *      --outfile=out/bench/analytics.js \
 *      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
 *    && node out/bench/analytics.js)
 *
 * Environment: BENCH_CSV_MB (file size, default 200; 1000 for the 1 GB target),
 * BENCH_CSV_DIR (where generated files are kept between runs, default the temp folder),
 * BENCH_RUNS (default 2). The file is made with the sample-data generator when absent.
 * Each engine runs in its own child process, so its peak RSS (worker threads included)
 * is its own. Figures go to bench/results/analytics.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileCsv } from '../../servers/analytics/csv-profiler.js';
import { isProfilerWorker, runProfilerWorker } from '../../servers/analytics/profiler-worker.js';
import { writeSampleData } from '../../servers/analytics/sample-data.js';
import { writeBenchResults } from '../results-file.js';

/** What the issue asks of the profiler on the 1 GB file. */
const TARGETS = { vsDuckDb: 1.5, rssMb: 300, firstProgressMs: 250, cancelMs: 250 };
const MB = 1024 * 1024;

interface Measurement {
  ms: number;
  rssMb: number;
  cpuMs: number;
  firstProgressMs?: number;
  cancelMs?: number;
  rows?: number;
  skipped?: string;
}

const self = fileURLToPath(import.meta.url);

function usage(started: number): Pick<Measurement, 'ms' | 'rssMb' | 'cpuMs'> {
  const r = process.resourceUsage();
  return {
    ms: Math.round(performance.now() - started),
    rssMb: Math.round(r.maxRSS / 1024),
    cpuMs: Math.round((r.userCPUTime + r.systemCPUTime) / 1000),
  };
}

/** One measurement in this (child) process. */
async function child(engine: string, file: string): Promise<Measurement> {
  const started = performance.now();
  if (engine === 'profiler') {
    let firstProgressMs: number | undefined;
    const profile = await profileCsv(file, {
      workerScript: self,
      onProgress: () => {
        firstProgressMs ??= Math.round(performance.now() - started);
      },
    });
    return { ...usage(started), firstProgressMs, rows: profile.rows };
  }
  if (engine === 'cancel') {
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(new Error('cancelled'));
    }, 1000);
    await profileCsv(file, { workerScript: self, signal: controller.signal }).catch(() => undefined);
    return { ...usage(started), cancelMs: Math.round(performance.now() - abortedAt) };
  }
  if (engine === 'duckdb') {
    // Loaded at run time (a native module, not bundled); the benchmark runs without it.
    const specifier = '@duckdb/node-api';
    let duckdb: typeof import('@duckdb/node-api');
    try {
      duckdb = await import(specifier);
    } catch {
      return { ms: 0, rssMb: 0, cpuMs: 0, skipped: '@duckdb/node-api is not installed' };
    }
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const quoted = file.replaceAll("'", "''");
    const reader = await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv('${quoted}')`);
    const rows = reader.getRowObjects().length;
    return { ...usage(started), rows };
  }
  throw new Error(`unknown engine ${engine}`);
}

function runChild(engine: string, file: string): Measurement {
  const run = spawnSync(process.execPath, [self, '--child', engine, file], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (run.status !== 0) throw new Error(`${engine} failed: ${run.stderr}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Measurement;
}

function catMs(file: string): number {
  const started = performance.now();
  const run = spawnSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file]);
  if (run.status !== 0) throw new Error(`cat failed: ${run.stderr}`);
  return performance.now() - started;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Generates the benchmark file when absent: the generator's records, as many as the size needs. */
async function ensureFile(dir: string, megabytes: number): Promise<string> {
  const path = join(dir, `orders-${megabytes}mb.csv`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, 'probe.csv');
  const { bytes } = await writeSampleData({ format: 'csv', recordCount: 20_000, seed: 1, path: probe });
  rmSync(probe);
  const recordCount = Math.min(10_000_000, Math.ceil((megabytes * MB) / (bytes / 20_000)));
  console.log(`generating ${path} (${recordCount.toLocaleString('en-US')} records)…`);
  const started = performance.now();
  await writeSampleData({ format: 'csv', recordCount, seed: 1, path });
  console.log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return path;
}

async function main(): Promise<void> {
  const megabytes = Number(process.env.BENCH_CSV_MB ?? 200);
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  const dir = process.env.BENCH_CSV_DIR ?? join(tmpdir(), 'taskdeck-bench-csv');
  const file = await ensureFile(dir, megabytes);
  const bytes = statSync(file).size;
  console.log(
    `file: ${file} (${(bytes / MB).toFixed(0)} MB), ${availableParallelism()} cores, ${runs} run(s) each, load average ${loadavg()[0]?.toFixed(2)}`,
  );

  catMs(file); // warm the page cache: every engine then reads from memory
  const cat: number[] = [];
  const profiler: Measurement[] = [];
  const duckdb: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    cat.push(catMs(file));
    profiler.push(runChild('profiler', file));
    duckdb.push(runChild('duckdb', file));
  }
  const cancel = runChild('cancel', file);
  const anchorMs = median(cat);
  const summary = (ms: Measurement[]) => ({
    ms: median(ms.map((m) => m.ms)),
    cpuMs: median(ms.map((m) => m.cpuMs)),
    peakRssMb: Math.max(...ms.map((m) => m.rssMb)),
    vsCat: Math.round(median(ms.map((m) => m.ms)) / anchorMs),
  });
  const ours = {
    ...summary(profiler),
    firstProgressMs: Math.max(...profiler.map((m) => m.firstProgressMs ?? 0)),
  };
  const duck = duckdb[0]?.skipped ? { skipped: duckdb[0].skipped } : summary(duckdb);
  const vsDuckDb = 'ms' in duck ? Math.round((ours.ms / duck.ms) * 100) / 100 : null;
  // CPU seconds: what each engine costs whatever else the machine runs (wall time is shared).
  const cpuVsDuckDb = 'cpuMs' in duck ? Math.round((ours.cpuMs / duck.cpuMs) * 100) / 100 : null;
  const checks = {
    timeVsDuckDb: vsDuckDb === null ? 'skipped' : vsDuckDb <= TARGETS.vsDuckDb ? 'pass' : 'FAIL',
    peakRss: ours.peakRssMb <= TARGETS.rssMb ? 'pass' : 'FAIL',
    firstProgress: ours.firstProgressMs <= TARGETS.firstProgressMs ? 'pass' : 'FAIL',
    cancel: (cancel.cancelMs ?? Number.POSITIVE_INFINITY) <= TARGETS.cancelMs ? 'pass' : 'FAIL',
  };

  console.log(`  cat (anchor):     ${(anchorMs / 1000).toFixed(2)} s`);
  console.log(
    `  profiler:         ${(ours.ms / 1000).toFixed(2)} s (${ours.vsCat}x cat), cpu ${(ours.cpuMs / 1000).toFixed(1)} s, peak RSS ${ours.peakRssMb} MB, first progress ${ours.firstProgressMs} ms`,
  );
  if ('ms' in duck) {
    console.log(
      `  duckdb SUMMARIZE: ${(duck.ms / 1000).toFixed(2)} s (${duck.vsCat}x cat), cpu ${(duck.cpuMs / 1000).toFixed(1)} s, peak RSS ${duck.peakRssMb} MB`,
    );
  } else {
    console.log(`  duckdb SUMMARIZE: skipped (${duck.skipped})`);
  }
  console.log(
    `  profiler / duckdb: ${vsDuckDb ?? 'n/a'} wall (target ≤ ${TARGETS.vsDuckDb}), ${cpuVsDuckDb ?? 'n/a'} CPU`,
  );
  console.log(`  cancel honoured in ${cancel.cancelMs} ms`);
  console.log(`  checks: ${JSON.stringify(checks)}`);
  const path = writeBenchResults('analytics', {
    file: { bytes, megabytes: Math.round(bytes / MB) },
    cores: availableParallelism(),
    runs,
    anchor: { name: 'cat FILE > /dev/null', ms: Math.round(anchorMs) },
    profiler: ours,
    duckdb: duck,
    profilerVsDuckDb: vsDuckDb,
    profilerVsDuckDbCpu: cpuVsDuckDb,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    cancelMs: cancel.cancelMs,
    targets: TARGETS,
    checks,
  });
  console.log(`figures written to ${path}`);
}

// Last, so every declaration above is initialised: the same bundle is the parent, each child and each worker.
if (isProfilerWorker()) {
  runProfilerWorker();
} else if (process.argv[2] === '--child') {
  const result = await child(process.argv[3] ?? '', process.argv[4] ?? '');
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else {
  await main();
}
