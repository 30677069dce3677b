#!/usr/bin/env node
// `npm run bench [name...]`: bundles each bench/<name>/index.ts with esbuild and runs it
// with node, one after the other (benchmarks must not compete for the 2 cores). Each
// benchmark runs its contenders round-robin against an anchor measured in the same run
// and writes its figures and goals to bench/results/<name>.json; the run ends with one
// table of every goal in bench/results/ (figure, goal, met or not, load). It exits non-zero
// when a benchmark could not run; a goal not met is the table's to say. Never part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { goalsTable, readResults } from '../bench/lib/goals-table.mjs';
import { buildServers } from './build-servers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const available = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}

await buildServers({ quiet: true });
let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  const outfile = join(root, 'out', 'bench', `${name}.js`);
  await build({
    entryPoints: [join(benchDir, name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  console.log(`\n=== bench/${name} ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', outfile], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench/${name} failed (exit ${run.status ?? run.signal})`);
    failed++;
  }
}
console.log('\n=== goals (bench/results/*.json) ===');
console.log(goalsTable(readResults(join(benchDir, 'results'))));
process.exit(failed > 0 ? 1 : 0);
