#!/usr/bin/env node
// Electron security review of the built app with @doyensec/electronegativity, offline.
// Scans what runs in Electron (out/main, out/preload, out/renderer and package.json; the
// servers are plain Node child processes) and fails on HIGH or MEDIUM findings that are not
// in JUSTIFIED below (README: "Electron security"). `npm run security` after `npm run build`;
// test/security.int.test.ts runs it in `npm test`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/**
 * @typedef {{ issue: string, severity: string, confidence: string, file: string,
 *   location: string, sample: string, description: string }} Finding
 */

/** Findings reviewed and accepted, with the reason (keep README "Electron security" in sync). */
export const JUSTIFIED = [
  {
    issue: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'out/main/index.js',
    why: 'only http: and https: URLs (links the window tried to navigate to or open) go to the default browser',
  },
  {
    issue: 'PRELOAD_JS_CHECK',
    file: 'out/main/index.js',
    why: 'the preload is sandboxed and context-isolated and exposes one typed method per command through contextBridge',
  },
];

/**
 * RFC 4180 rows (quoted fields may hold commas, doubled quotes and newlines).
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

/** @param {Finding} finding */
export function isBlocking(finding) {
  if (finding.severity !== 'HIGH' && finding.severity !== 'MEDIUM') return false;
  return !JUSTIFIED.some((j) => j.issue === finding.issue && j.file === finding.file);
}

/**
 * Copies the Electron part of the build to a temp folder and scans it.
 * @returns {{ findings: Finding[], blocking: Finding[] }}
 */
export function runSecurityCheck() {
  const work = mkdtempSync(join(tmpdir(), 'taskdeck-electronegativity-'));
  try {
    const app = join(work, 'app');
    for (const part of ['main', 'preload', 'renderer']) {
      cpSync(join(root, 'out', part), join(app, 'out', part), {
        recursive: true,
        filter: (source) => !source.endsWith('.map'),
      });
    }
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    const report = join(work, 'report.csv');
    const electron = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'scripts', 'electronegativity.cjs'),
        ...['-i', app, '-o', report, '-v', 'false', '-e', electron],
        // Compares the version with Electron's release list online: CI has no such network.
        ...['-x', 'AvailableSecurityFixesGlobalCheck'],
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, LANG: 'en-US' } },
    );
    if (run.status !== 0)
      throw new Error(`electronegativity failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    const [header, ...rows] = parseCsv(readFileSync(report, 'utf8'));
    if (header?.[0]?.trim() !== 'issue')
      throw new Error(`unexpected electronegativity report header: ${header}`);
    /** @type {Finding[]} */
    const findings = rows.map(
      ([
        issue = '',
        severity = '',
        confidence = '',
        file = '',
        location = '',
        sample = '',
        description = '',
      ]) => ({
        issue,
        severity,
        confidence,
        file: relative(app, file).replaceAll('\\', '/'),
        location,
        sample,
        description,
      }),
    );
    return { findings, blocking: findings.filter(isBlocking) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** @param {Finding} f */
export function formatFinding(f) {
  return `${f.severity} ${f.issue} ${f.file}:${f.location} ${f.description}\n    ${f.sample.trim().slice(0, 160)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { findings, blocking } = runSecurityCheck();
  for (const f of findings) console.log(`${isBlocking(f) ? '✗' : '·'} ${formatFinding(f)}`);
  console.log(`${findings.length} findings, ${blocking.length} high or medium not justified`);
  process.exitCode = blocking.length > 0 ? 1 : 0;
}
