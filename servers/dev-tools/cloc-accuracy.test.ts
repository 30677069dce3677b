import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanProject } from './scan.js';

/**
 * Accuracy against cloc (Debian package) on real code: a few packages of the project's
 * node_modules, thousands of files of JavaScript, TypeScript, JSON and Markdown.
 * Per language, code, comment and blank lines must agree within 2%.
 */

const projectRoot = resolve(import.meta.dirname, '..', '..');
const PACKAGES = ['zod', '@modelcontextprotocol/sdk', 'ajv', 'vitest', 'react-dom'].map((p) =>
  join(projectRoot, 'node_modules', p),
);
const TOLERANCE = 0.02;
/** Languages compared: those with at least this many lines in cloc's count. */
const MIN_LINES = 1000;

/** cloc's names for languages Linguist names differently (TSX is TypeScript in cloc). */
const CLOC_NAME: Record<string, string> = { TSX: 'TypeScript', Shell: 'Bourne Shell' };

const hasCloc = spawnSync('cloc', ['--version']).status === 0;
// Skipped tests count as skipped, not passed; say why once.
if (!hasCloc)
  console.log(
    'skipped: cloc is not installed; install it with apt-get install -y cloc to run the accuracy test',
  );

type Counts = { code: number; comment: number; blank: number };

describe('accuracy against cloc', () => {
  it.skipIf(!hasCloc)('agrees within 2% per language on real packages', async () => {
    const dirs = PACKAGES.filter((p) => existsSync(p));
    expect(dirs.length).toBeGreaterThan(0);
    // --skip-uniqueness: cloc would drop duplicate files, which we count. --force-lang: this cloc
    // predates .cts/.mts, which Linguist (and so we) read as TypeScript.
    const cloc = spawnSync(
      'cloc',
      [
        '--json',
        '--quiet',
        '--skip-uniqueness',
        '--force-lang=TypeScript,cts',
        '--force-lang=TypeScript,mts',
        ...dirs,
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(cloc.status, cloc.stderr).toBe(0);
    const theirs = JSON.parse(cloc.stdout) as Record<string, Counts & { nFiles: number }>;

    const ours = new Map<string, Counts>();
    for (const directory of dirs) {
      const report = await scanProject({
        directory,
        respectGitignore: false,
        includeHidden: true,
        followSymlinks: false,
      });
      for (const l of report.languages) {
        const name = CLOC_NAME[l.language] ?? l.language;
        const sum = ours.get(name) ?? { code: 0, comment: 0, blank: 0 };
        ours.set(name, {
          code: sum.code + l.code,
          comment: sum.comment + l.comment,
          blank: sum.blank + l.blank,
        });
      }
    }

    const compared = Object.entries(theirs).filter(
      ([name, c]) => name !== 'header' && name !== 'SUM' && c.code + c.comment + c.blank >= MIN_LINES,
    );
    const rows = compared.map(([name, c]) => {
      const o = ours.get(name) ?? { code: 0, comment: 0, blank: 0 };
      const diff = (key: keyof Counts) =>
        c[key] === o[key] ? 0 : Math.abs(o[key] - c[key]) / Math.max(c[key], 1);
      return {
        language: name,
        cloc: `${c.code}/${c.comment}/${c.blank}`,
        ours: `${o.code}/${o.comment}/${o.blank}`,
        code: diff('code'),
        comment: diff('comment'),
        blank: diff('blank'),
      };
    });
    console.log(`cloc vs scan_project (code/comment/blank) on ${dirs.length} packages:`);
    console.table(
      rows.map((r) => ({ ...r, code: pct(r.code), comment: pct(r.comment), blank: pct(r.blank) })),
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect({
        language: r.language,
        code: r.code <= TOLERANCE,
        comment: r.comment <= TOLERANCE,
        blank: r.blank <= TOLERANCE,
      }).toEqual({
        language: r.language,
        code: true,
        comment: true,
        blank: true,
      });
    }
  });
});

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
