/**
 * Benchmark of scan_project's scanner against cloc and the `find | xargs cat` floor,
 * measured in the same run on the same tree of 100,000+ files.
 *
 *   npx esbuild bench/scan/index.ts --bundle --platform=node --format=esm --target=node20 \
 *     --outfile=out/bench/scan.js \
 *     --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
 *   node out/bench/scan.js [tree]
 *
 * Without a tree argument (or BENCH_SCAN_TREE), it builds one under the temp folder by
 * copying the project's node_modules as often as needed to pass 100,000 files (real
 * source, binaries and all). Figures go to bench/results/scan.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isCounterWorker, runCounterWorker } from '../../servers/dev-tools/count-pool.js';
import { scanProject } from '../../servers/dev-tools/scan.js';

const MIN_FILES = 100_000;
const RUNS = Number(process.env.BENCH_SCAN_RUNS ?? 3);
const projectRoot = resolve(import.meta.dirname, '..', '..');

function countFiles(dir: string): number {
  const out = execFileSync('sh', ['-c', 'find "$1" -type f | wc -l', 'sh', dir], { encoding: 'utf8' });
  return Number(out.trim());
}

function buildTree(dir: string): void {
  const source = join(projectRoot, 'node_modules');
  const perCopy = countFiles(source);
  const copies = Math.ceil(MIN_FILES / perCopy);
  console.log(`building ${dir}: ${copies} copies of node_modules (${perCopy} files each)`);
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < copies; k++) {
    // -P: copy symlinks as links (the scanner does not follow them by default; cat via find -type f skips them).
    execFileSync('cp', ['-RP', source, join(dir, `copy-${k}`)]);
  }
}

function time(label: string, fn: () => void): number {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  console.log(`  ${label}: ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

async function timeAsync(label: string, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  console.log(`  ${label}: ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function catFloor(tree: string): void {
  const r = spawnSync('sh', ['-c', 'find "$1" -type f -print0 | xargs -0 cat > /dev/null', 'sh', tree]);
  if (r.status !== 0) throw new Error(`find | xargs cat failed: ${r.stderr}`);
}

async function main(): Promise<void> {
  const tree = resolve(
    process.argv[2] ?? process.env.BENCH_SCAN_TREE ?? join(tmpdir(), 'taskdeck-scan-bench'),
  );
  if (!existsSync(tree) || readdirSync(tree).length === 0) buildTree(tree);
  const files = countFiles(tree);
  if (files < MIN_FILES)
    throw new Error(`${tree} has ${files} files; the benchmark needs ${MIN_FILES}+ (delete it to rebuild)`);
  console.log(`tree: ${tree} (${files} files)`);

  console.log('warming the page cache (untimed find | xargs cat)');
  catFloor(tree);

  const scanOptions = {
    directory: tree,
    respectGitignore: true,
    includeHidden: true,
    followSymlinks: false,
    workerEntry: new URL(import.meta.url),
  };
  const floor: number[] = [];
  const ours: number[] = [];
  let report: Awaited<ReturnType<typeof scanProject>> | undefined;
  for (let run = 1; run <= RUNS; run++) {
    console.log(`run ${run}/${RUNS}`);
    floor.push(time('find | xargs cat', () => catFloor(tree)));
    ours.push(
      await timeAsync('scan_project scanner', async () => {
        report = await scanProject(scanOptions);
      }),
    );
  }
  const clocPath = spawnSync('sh', ['-c', 'command -v cloc']).stdout.toString().trim();
  let clocMs: number | undefined;
  if (clocPath) {
    console.log('cloc (one run: it is slow)');
    clocMs = time('cloc --skip-uniqueness', () => {
      const r = spawnSync('cloc', ['--skip-uniqueness', '--quiet', '--json', tree], {
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`cloc failed: ${r.stderr}`);
    });
  } else {
    console.log('cloc not installed (apt-get install -y cloc): skipped');
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cores: (await import('node:os')).availableParallelism(), node: process.version },
    tree,
    files,
    scannedFiles: report?.totals.files,
    bytes: report?.totals.bytes,
    /** Bytes of the files whose lines were counted (the rest are binaries, only sniffed, and files of no known language). */
    countedBytes: report?.languages.reduce((n, l) => n + l.bytes, 0),
    binaryFiles: report?.totals.binaryFiles,
    lines: report && report.totals.code + report.totals.comment + report.totals.blank,
    runs: RUNS,
    findXargsCatMs: Math.round(median(floor)),
    scannerMs: Math.round(median(ours)),
    clocMs: clocMs === undefined ? null : Math.round(clocMs),
    scannerVsFloor: Number((median(ours) / median(floor)).toFixed(2)),
    clocVsScanner: clocMs === undefined ? null : Number((clocMs / median(ours)).toFixed(1)),
    targets: { scannerVsFloorAtMost: 3, clocVsScannerAtLeast: 5 },
  };
  console.log(
    `\nscanner ${(result.scannerMs / 1000).toFixed(2)} s | find|xargs cat ${(result.findXargsCatMs / 1000).toFixed(2)} s ` +
      `(scanner/floor ${result.scannerVsFloor}x, target <= 3x)` +
      (clocMs === undefined
        ? ''
        : ` | cloc ${(clocMs / 1000).toFixed(1)} s (cloc/scanner ${result.clocVsScanner}x, target >= 5x)`),
  );
  const out = join(projectRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'scan.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${join(out, 'scan.json')}`);
  const ok = result.scannerVsFloor <= 3 && (result.clocVsScanner === null || result.clocVsScanner >= 5);
  if (!ok) process.exitCode = 1;
}

if (isCounterWorker()) runCounterWorker();
else await main();
