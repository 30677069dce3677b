#!/usr/bin/env node
// The walls between Taskdeck's parts (ARCHITECTURE.md), checked over every import of every
// source file, tests included. `npm test` runs it; it prints one line per forbidden import
// (file:line, what it imports, what that part may import) and exits 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * @typedef {object} Part
 * @property {string} name        how the part is named in messages
 * @property {RegExp} path        which files belong to it (relative to the project root, with `/`)
 * @property {string[]} may       the other parts it may import (by name)
 * @property {RegExp} [forbidden] third-party or built-in modules it must not import
 */

/** Everything of ours that ships; tooling (scripts, bench, e2e, test/) is not walled. */
/** @type {Part[]} */
export const PARTS = [
  { name: 'contract', path: /^packages\/contract\//, may: [], forbidden: /^(electron|node:)/ },
  { name: 'node-common', path: /^packages\/node-common\//, may: [], forbidden: /^electron$/ },
  { name: 'task-runtime', path: /^packages\/task-runtime\//, may: ['node-common'], forbidden: /^electron$/ },
  { name: 'client', path: /^packages\/client\//, may: ['contract', 'node-common'], forbidden: /^electron$/ },
  { name: 'hub', path: /^packages\/hub\//, may: ['contract', 'node-common'], forbidden: /^electron$/ },
  {
    name: 'a server',
    path: /^servers\/[^/]+\//,
    may: ['task-runtime', 'node-common'],
    forbidden: /^electron$/,
  },
  {
    name: 'the renderer',
    path: /^apps\/desktop\/src\/renderer\//,
    may: ['contract', 'client'],
    forbidden: /^(electron|node:)/,
  },
  { name: 'the preload', path: /^apps\/desktop\/src\/preload\//, may: ['contract', 'client'] },
  {
    name: 'the Electron main process',
    path: /^apps\/desktop\/src\/main\//,
    may: ['contract', 'hub', 'node-common', 'package.json'],
  },
  {
    name: 'the web host',
    path: /^apps\/web\//,
    may: ['contract', 'hub', 'node-common', 'package.json'],
    forbidden: /^electron$/,
  },
  {
    name: 'the CLI',
    path: /^apps\/cli\//,
    may: ['contract', 'client', 'hub', 'node-common', 'package.json'],
    forbidden: /^electron$/,
  },
  // The product's manifest (name, version): the apps may read it.
  { name: 'package.json', path: /^package\.json$/, may: [] },
];

/** `@taskdeck/<package>` names the part in packages/<package>. */
const PACKAGE_PARTS = {
  contract: 'contract',
  'node-common': 'node-common',
  'task-runtime': 'task-runtime',
  client: 'client',
  hub: 'hub',
};
const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git']);
/** Test helpers live in a part's `test/` folder and may be imported by its tests only. */
const TEST_FILE = /(\.test\.tsx?$)|(\/test\/)/;

/**
 * The import specifiers of a source file with their line numbers: static imports and
 * re-exports, side-effect imports, dynamic `import()` and `require()`.
 * @param {string} text
 * @returns {{ specifier: string, line: number }[]}
 */
export function importsOf(text) {
  const code = stripComments(text);
  /** @type {{ specifier: string, line: number }[]} */
  const found = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\sfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\b(?:import|require)\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const [whole, quote = '', specifier = ''] = match;
      const index = (match.index ?? 0) + whole.lastIndexOf(quote + specifier);
      found.push({ specifier, line: code.slice(0, index).split('\n').length });
    }
  }
  return found;
}

/**
 * Blanks comments (keeping line breaks, so line numbers stay right) and leaves strings.
 * @param {string} text
 */
function stripComments(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const two = text.slice(i, i + 2);
    const ch = text[i];
    if (two === '//') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (two === '/*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * @param {string} root
 * @param {string} [dir]
 * @returns {string[]} source files, relative to root, with `/`
 */
function listSources(root, dir = root) {
  const files = [];
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(dirent.name)) continue;
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) files.push(...listSources(root, path));
    else if (SOURCE.test(dirent.name) && !dirent.name.endsWith('.d.ts'))
      files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/** @param {string} file */
function partOf(file) {
  return PARTS.find((part) => part.path.test(file));
}

/**
 * Which part a specifier points into, or undefined for a third-party or built-in module.
 * @param {string} root
 * @param {string} file
 * @param {string} specifier
 * @returns {{ part: Part | undefined, target: string } | undefined}
 */
function targetOf(root, file, specifier) {
  if (specifier.startsWith('.')) {
    const target = relative(root, resolve(root, dirname(file), specifier))
      .split(sep)
      .join('/');
    return { part: partOf(`${target}/`) ?? partOf(target), target };
  }
  const scoped = /^@taskdeck\/([^/]+)/.exec(specifier);
  if (!scoped) return undefined;
  const name = PACKAGE_PARTS[/** @type {keyof typeof PACKAGE_PARTS} */ (scoped[1])];
  return { part: PARTS.find((part) => part.name === name), target: `packages/${scoped[1]}` };
}

/**
 * @param {string} root project root
 * @returns {string[]} one message per forbidden import
 */
export function checkWalls(root) {
  const violations = [];
  for (const file of listSources(root)) {
    const part = partOf(file);
    if (!part) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const { specifier, line } of importsOf(text)) {
      const where = `${file}:${line}`;
      const target = targetOf(root, file, specifier);
      if (!target) {
        // Tests run under Node whatever the part is built for.
        if (part.forbidden?.test(specifier) && !TEST_FILE.test(file))
          violations.push(`${where}: ${part.name} must not import ${specifier}`);
        continue;
      }
      if (!target.part) {
        // Tooling (test/, bench/...) is for tests only; anything else outside the parts is wrong.
        if (!(TEST_FILE.test(file) && /^(test|scripts)\//.test(target.target)))
          violations.push(`${where}: imports ${specifier} (${target.target}), which is outside every part`);
        continue;
      }
      if (target.part === part) {
        // Inside one part; but a server never reaches into another server's folder.
        const own = /^servers\/[^/]+\//.exec(file)?.[0];
        if (own && !target.target.startsWith(own))
          violations.push(
            `${where}: imports ${specifier} (${target.target}): a server never imports another server`,
          );
        else if (!TEST_FILE.test(file) && /\/test\//.test(`${target.target}/`))
          violations.push(`${where}: imports test helper ${specifier} from production code`);
        continue;
      }
      if (!part.may.includes(target.part.name)) {
        const allowed = part.may.length ? part.may.join(', ') : 'nothing of ours';
        violations.push(
          `${where}: imports ${specifier} (${target.part.name}); ${part.name} may import only ${allowed}`,
        );
      }
    }
  }
  return violations;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = checkWalls(root);
  for (const violation of violations) console.error(violation);
  if (violations.length > 0) {
    console.error(`${violations.length} import(s) cross a wall (see ARCHITECTURE.md, "Walls").`);
    process.exitCode = 1;
  } else {
    console.log('walls: every import stays within what its part may use');
  }
}
