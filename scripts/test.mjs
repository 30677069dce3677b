#!/usr/bin/env node
// `npm test`: lint, walls, typecheck, build, vitest, Playwright, MCP conformance. Every step runs even when an earlier
// one fails. The last line printed is the total: `N passed, N failed[, N skipped]`.
// Exit code 0 only when every step succeeded and no test failed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_FILE as CONFORMANCE_RESULTS } from './conformance.mjs';
import {
  conformanceCounts,
  formatCounts,
  playwrightCounts,
  stepCounts,
  total,
  vitestCounts,
} from './test-summary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const VITEST_REPORT = join(root, '.vitest-report.json');
const PLAYWRIGHT_REPORT = join(root, '.playwright-report.json');

/**
 * Path of a package's bin script, run with this Node (no shell, no .bin permission issues).
 * @param {string} pkg
 * @param {string} name
 */
function bin(pkg, name) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name];
  return join(dirname(manifestPath), relative);
}

/**
 * @param {string} title
 * @param {string[]} args arguments for `node`
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {number | null} exit code
 */
function step(title, args, env = {}) {
  console.log(`\n━━ ${title} ━━`);
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.error) console.error(`${title}: ${result.error.message}`);
  return result.status;
}

function npmRunBuild() {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /npm-cli\.c?js$/.test(npmCli)) return step('build', [npmCli, 'run', 'build']);
  console.log('\n━━ build ━━');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status;
}

rmSync(VITEST_REPORT, { force: true });
rmSync(PLAYWRIGHT_REPORT, { force: true });
rmSync(CONFORMANCE_RESULTS, { force: true });

const lint = step('lint: biome check .', [bin('@biomejs/biome', 'biome'), 'check', '.']);
const walls = step('walls: scripts/check-walls.mjs', [join(root, 'scripts', 'check-walls.mjs')]);
const typecheck = step('typecheck: tsc -b', [bin('typescript', 'tsc'), '-b']);
const build = npmRunBuild();
const vitest = step('vitest run', [
  bin('vitest', 'vitest'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${VITEST_REPORT}`,
]);
const playwright = step(
  'playwright test',
  [bin('@playwright/test', 'playwright'), 'test', '--reporter=list,json'],
  {
    PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_REPORT,
  },
);

// After Playwright, which empties test-results/ (where the conformance results are kept) when it starts.
const conformance = step('conformance: scripts/conformance.mjs', [join(root, 'scripts', 'conformance.mjs')]);

const rows = [
  ['lint', stepCounts(lint)],
  ['walls', stepCounts(walls)],
  ['typecheck', stepCounts(typecheck)],
  ['build', stepCounts(build)],
  ['vitest', vitestCounts(VITEST_REPORT, vitest)],
  ['playwright', playwrightCounts(PLAYWRIGHT_REPORT, playwright)],
  ['conformance', conformanceCounts(CONFORMANCE_RESULTS, conformance)],
];
const exitCodes = [lint, walls, typecheck, build, vitest, playwright, conformance];

console.log('\n━━ summary ━━');
for (const [name, counts] of /** @type {[string, import('./test-summary.mjs').Counts][]} */ (rows)) {
  const withReport = name === 'vitest' || name === 'conformance' || name === 'playwright';
  const status = withReport ? formatCounts(counts) : counts.failed ? 'FAILED' : 'ok';
  console.log(`${String(name).padEnd(11)} ${status}${counts.note ? ` (${counts.note})` : ''}`);
}
const sum = total(rows.map(([, counts]) => /** @type {import('./test-summary.mjs').Counts} */ (counts)));
const ok = sum.failed === 0 && exitCodes.every((code) => code === 0);
console.log(formatCounts(ok || sum.failed > 0 ? sum : { ...sum, failed: 1 }));
process.exitCode = ok ? 0 : 1;
