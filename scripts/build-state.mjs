// Decides whether out/ is missing or older than its sources, and runs `npm run build` if so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNodeEntries } from './build-servers.mjs';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCE_DIRS = ['apps', 'packages', 'servers', 'resources'];
const SOURCE_FILES = [
  'package.json',
  'package-lock.json',
  'electron.vite.config.ts',
  'scripts/build-servers.mjs',
];
const TEST_FILE = /\.test\.tsx?$/;

/**
 * Newest modification time (ms) of the files under `path`, tests and node_modules excluded.
 * @param {string} path
 * @returns {number}
 */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return TEST_FILE.test(path) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const dirent of readdirSync(path, { withFileTypes: true })) {
    if (dirent.name === 'node_modules' || dirent.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, dirent.name)));
  }
  return newest;
}

/**
 * @param {string} [root]
 * @returns {string[]} files that `npm run build` must produce
 */
export function expectedOutputs(root = projectRoot) {
  return [
    join(root, 'out/main/index.js'),
    join(root, 'out/preload/index.cjs'),
    join(root, 'out/renderer/index.html'),
    ...listNodeEntries(root).map((entry) => entry.outfile),
  ];
}

/**
 * Why a build is needed, or undefined when out/ is complete and newer than every source.
 * @param {string} [root]
 * @returns {string | undefined}
 */
export function buildNeeded(root = projectRoot) {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const file of expectedOutputs(root)) {
    if (!existsSync(file)) return `${file.slice(root.length + 1)} is missing`;
    oldestOutput = Math.min(oldestOutput, statSync(file).mtimeMs);
  }
  const newestSource = Math.max(
    ...SOURCE_DIRS.map((dir) => newestMtime(join(root, dir))),
    ...SOURCE_FILES.map((file) => newestMtime(join(root, file))),
  );
  return newestSource > oldestOutput ? 'sources changed since the last build' : undefined;
}

/**
 * Runs `npm run build` when out/ is missing or stale.
 * @param {{ root?: string, log?: (line: string) => void }} [options]
 */
export function ensureBuilt(options = {}) {
  const root = options.root ?? projectRoot;
  const log = options.log ?? ((line) => console.log(line));
  const reason = buildNeeded(root);
  if (!reason) return;
  log(`Building Taskdeck (${reason})…`);
  // Inside `npm start`/`npm test`, npm_execpath is npm's own CLI script: no shell needed.
  const npmCli = process.env.npm_execpath;
  const result =
    npmCli && /npm-cli\.c?js$/.test(npmCli)
      ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', 'build'], {
          cwd: root,
          stdio: 'inherit',
          shell: process.platform === 'win32',
        });
  if (result.status !== 0)
    throw new Error(`npm run build failed (exit code ${result.status ?? result.signal})`);
}
