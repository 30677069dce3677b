/**
 * scan_project end to end, as a user runs it: `taskdeck call dev-tools scan_project
 * --arg directory=TREE --output json`, a fresh CLI process that starts its own hub, which
 * starts only dev-tools. On a tree of 100,000+ files (copies of the project's
 * node_modules when no tree is given: real source, binaries and all), contenders
 * interleaved round-robin, each a process tree measured from /proc (wall, CPU of the
 * whole tree, each process's peak memory):
 * - ohcount: Debian's native (C) source line counter, the anchor of the goal. scc and
 *   tokei are not installable here (no GitHub or crates.io downloads); ohcount is the
 *   fastest native one Debian has (sloccount is Perl and C, cloc is Perl).
 * - wc -l: GNU wc on both cores over the files the scanner counts: the least a native
 *   line counter can do (read every byte, count newlines), an anchor nothing can beat.
 * - the byte floor: `cat` of the same bytes the scanner reads (whole files of a known
 *   language, the first 8000 bytes of the others), on both cores.
 * cloc runs once at the end (it takes minutes). Where the time of a call goes is
 * measured too: Node's start, the CLI's own start, and a whole call on a one-file folder.
 *
 *   npm run bench scan          (BENCH_SCAN_TREE=/path to use another tree)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SNIFF } from '../../servers/dev-tools/file-analyzer.js';
import { languageForFileName } from '../../servers/dev-tools/languages.js';
import { newWalkStats, walk } from '../../servers/dev-tools/walker.js';
import { ROOT } from '../lib/machine.js';
import { type CommandRun, runCommand } from '../lib/proc.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { ratios, spread } from '../lib/stats.js';

const MIN_FILES = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLI = join(ROOT, 'out', 'cli', 'taskdeck.js');

function countFiles(dir: string): number {
  return Number(
    execFileSync('sh', ['-c', 'find "$1" -type f | wc -l', 'sh', dir], { encoding: 'utf8' }).trim(),
  );
}

function buildTree(dir: string): void {
  const source = join(ROOT, 'node_modules');
  const copies = Math.ceil(MIN_FILES / countFiles(source));
  console.log(`building ${dir}: ${copies} copies of node_modules`);
  mkdirSync(dir, { recursive: true });
  // -P: symlinks stay links (the scanner does not follow them by default).
  for (let k = 0; k < copies; k++) execFileSync('cp', ['-RP', source, join(dir, `copy-${k}`)]);
}

/** The files the scanner reads whole (a known language by name) and those it only sniffs. */
async function scannedFiles(tree: string): Promise<{ whole: string[]; sniffed: string[] }> {
  const whole: string[] = [];
  const sniffed: string[] = [];
  await walk(
    tree,
    { respectGitignore: true, includeHidden: false, followSymlinks: false },
    { onFile: (file) => void (languageForFileName(file.name) ? whole : sniffed).push(file.path) },
    newWalkStats(),
  );
  return { whole, sniffed };
}

function checked(name: string, run: CommandRun): CommandRun {
  if (run.exitCode !== 0)
    throw new Error(`${name} failed (exit ${run.exitCode}): ${run.stderr.slice(-2000)}`);
  return run;
}

const summary = (run: CommandRun) => ({
  wallMs: Math.round(run.wallMs),
  cpuMs: Math.round(run.cpuMs),
  peakMb: run.memory.processes[0]?.peakMb ?? 0,
  sumOfPeaksMb: run.memory.sumOfPeaksMb,
  processes: run.memory.processes.slice(0, 4),
});

async function main(): Promise<void> {
  const bench = startBench('scan');
  const tree = resolve(
    process.argv[2] ?? process.env.BENCH_SCAN_TREE ?? join(tmpdir(), 'taskdeck-scan-bench'),
  );
  if (!existsSync(tree) || readdirSync(tree).length === 0) buildTree(tree);
  const files = countFiles(tree);
  if (files < MIN_FILES) throw new Error(`${tree} has ${files} files; the benchmark needs ${MIN_FILES}+`);
  const work = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  try {
    const env = { ...process.env, TASKDECK_DATA_DIR: join(work, 'data') };
    checked('taskdeck grant', await runCommand(process.execPath, [CLI, 'grant', tree], { env }));
    const { whole, sniffed } = await scannedFiles(tree);
    const wholeList = join(work, 'whole');
    const sniffList = join(work, 'sniffed');
    writeFileSync(wholeList, whole.join('\0'));
    writeFileSync(sniffList, sniffed.join('\0'));
    console.log(
      `tree: ${tree} (${files} files; the scanner reads ${whole.length} whole, sniffs ${sniffed.length})`,
    );
    const sh = (script: string) => () => runCommand('sh', ['-c', script, 'sh', wholeList, sniffList]);
    await sh('xargs -0 cat < "$1" > /dev/null')(); // the page cache holds the tree from here on

    let report: { totals?: { files: number; bytes: number }; durationMs?: number } | undefined;
    const hasOhcount =
      execFileSync('sh', ['-c', 'command -v ohcount || true'], { encoding: 'utf8' }).trim() !== '';
    const contenders = {
      taskdeck: async () => {
        const run = checked(
          'taskdeck call',
          await runCommand(
            process.execPath,
            [CLI, 'call', 'dev-tools', 'scan_project', '--arg', `directory=${tree}`, '--output', 'json'],
            { env },
          ),
        );
        report = JSON.parse(run.stdout).result?.structuredContent;
        return run;
      },
      wcLines: async () => checked('wc -l', await sh('xargs -0 -P2 -n 2000 wc -l < "$1" > /dev/null')()),
      byteFloor: async () =>
        checked(
          'byte floor',
          await sh(
            `xargs -0 -P2 -n 2000 cat < "$1" > /dev/null && xargs -0 -P2 -n 2000 head -qc ${SNIFF} < "$2" > /dev/null`,
          )(),
        ),
      ...(hasOhcount && {
        ohcount: async () => checked('ohcount', await runCommand('ohcount', ['-s', tree])),
      }),
    } as Record<'taskdeck' | 'wcLines' | 'byteFloor' | 'ohcount', () => Promise<CommandRun>>;
    const { results, loadPerRound } = await interleave(ROUNDS, contenders, (round, r) =>
      console.log(
        `round ${round}: ${Object.entries(r)
          .map(
            ([n, x]) =>
              `${n} ${((x?.wallMs ?? 0) / 1000).toFixed(2)} s (cpu ${((x?.cpuMs ?? 0) / 1000).toFixed(1)} s)`,
          )
          .join(' | ')}`,
      ),
    );

    // Where a call's time goes besides the scan.
    const tiny = join(work, 'tiny');
    mkdirSync(tiny);
    writeFileSync(join(tiny, 'a.ts'), 'export const a = 1;\n');
    checked('taskdeck grant', await runCommand(process.execPath, [CLI, 'grant', tiny], { env }));
    const startup = await interleave(ROUNDS, {
      nodeStart: async () => checked('node', await runCommand(process.execPath, ['-e', '0'])),
      cliStart: async () => checked('taskdeck --help', await runCommand(process.execPath, [CLI, '--help'])),
      callOnOneFile: async () =>
        checked(
          'taskdeck call (one file)',
          await runCommand(
            process.execPath,
            [CLI, 'call', 'dev-tools', 'scan_project', '--arg', `directory=${tiny}`, '--output', 'json'],
            { env },
          ),
        ),
    });

    let cloc: ReturnType<typeof summary> | { skipped: string } = { skipped: 'cloc is not installed' };
    if (
      execFileSync('sh', ['-c', 'command -v cloc || true'], { encoding: 'utf8' }).trim() &&
      process.env.BENCH_SCAN_CLOC !== '0'
    ) {
      console.log('cloc, once (it takes minutes)');
      cloc = summary(
        checked('cloc', await runCommand('cloc', ['--skip-uniqueness', '--quiet', '--json', tree])),
      );
    }

    const wall = (name: keyof typeof contenders) => (results[name] ?? []).map((r) => r.wallMs);
    const cpu = (name: keyof typeof contenders) => (results[name] ?? []).map((r) => r.cpuMs);
    const serverPeak = (run: CommandRun) =>
      run.memory.processes.find((p) => p.name.includes('dev-tools'))?.peakMb ?? Number.NaN;
    const vsOhcount = hasOhcount ? ratios(wall('taskdeck'), wall('ohcount')) : undefined;
    const figures = {
      tree,
      files,
      scanner: {
        readWhole: whole.length,
        sniffed: sniffed.length,
        report: report?.totals,
        durationMs: report?.durationMs,
      },
      rounds: ROUNDS,
      loadPerRound,
      wallSeconds: Object.fromEntries(
        Object.keys(contenders).map((n) => [n, spread(wall(n as 'taskdeck').map((ms) => ms / 1000))]),
      ),
      cpuSeconds: Object.fromEntries(
        Object.keys(contenders).map((n) => [n, spread(cpu(n as 'taskdeck').map((ms) => ms / 1000))]),
      ),
      runs: Object.fromEntries(Object.entries(results).map(([n, runs]) => [n, runs.map(summary)])),
      ratios: {
        wallTaskdeckOverOhcount: vsOhcount,
        cpuTaskdeckOverOhcount: hasOhcount ? ratios(cpu('taskdeck'), cpu('ohcount')) : undefined,
        wallTaskdeckOverWcLines: ratios(wall('taskdeck'), wall('wcLines')),
        cpuTaskdeckOverWcLines: ratios(cpu('taskdeck'), cpu('wcLines')),
        wallTaskdeckOverByteFloor: ratios(wall('taskdeck'), wall('byteFloor')),
      },
      taskdeckPeakMb: {
        devToolsServer: spread(results.taskdeck.map(serverPeak)),
        wholeTreeSumOfPeaks: spread(results.taskdeck.map((r) => r.memory.sumOfPeaksMb)),
      },
      callStartup: {
        loadPerRound: startup.loadPerRound,
        nodeStartMs: spread(startup.results.nodeStart.map((r) => r.wallMs)),
        cliStartMs: spread(startup.results.cliStart.map((r) => r.wallMs)),
        callOnOneFileMs: spread(startup.results.callOnOneFile.map((r) => r.wallMs)),
        callOnOneFileCpuMs: spread(startup.results.callOnOneFile.map((r) => r.cpuMs)),
      },
      cloc,
    };
    console.log(JSON.stringify(figures, null, 2));
    bench.write(figures, [
      goal(
        'scan-vs-native',
        'taskdeck call scan_project / ohcount (wall)',
        vsOhcount?.median,
        '×',
        { atMost: 1 },
        `median of ${ROUNDS} per-round ratios; ohcount: Debian's native counter`,
      ),
      goal(
        'scan-vs-wc',
        'taskdeck call scan_project / wc -l floor (wall)',
        figures.ratios.wallTaskdeckOverWcLines.median,
        '×',
        { atMost: 1 },
        `median of ${ROUNDS} per-round ratios; not the issue's goal: the least any counter does`,
      ),
      goal(
        'scan-peak-rss',
        `dev-tools peak RSS at ${files} files`,
        figures.taskdeckPeakMb.devToolsServer.max,
        'MB',
        { atMost: 200 },
        `worst of ${ROUNDS} rounds (the CLI and its hub: ${figures.taskdeckPeakMb.wholeTreeSumOfPeaks.max} MB with it)`,
      ),
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
