import { afterEach, describe, expect, it } from 'vitest';
import { scanReportSchema } from './report-schema.js';
import { type ScanProgress, scanProject } from './scan.js';
import { formatSummary } from './summary.js';
import { makeTree } from './test/fixture-tree.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tree(entries: Parameters<typeof makeTree>[0]) {
  const t = makeTree(entries);
  cleanups.push(t.cleanup);
  return t.root;
}

const base = { respectGitignore: true, includeHidden: false, followSymlinks: false };

describe('scanProject', () => {
  it('reports totals, languages, largest files, TODOs, manifests, generated files', async () => {
    const root = tree({
      '.gitignore': 'dist/\n',
      'dist/out.js': 'ignored();\n',
      'package.json': JSON.stringify({
        name: 'demo',
        dependencies: { zod: '4' },
        devDependencies: { vitest: '4' },
      }),
      'src/a.ts': '// TODO: split\nexport const a = 1;\n\n/* FIXME: b */\n',
      'src/b.ts': 'export const b = "TODO not a comment";\n',
      'src/vendor/lib.min.js': 'x();\n',
      'scripts/run.sh': '#!/bin/sh\n# HACK: quick\necho ok\n',
      'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
      'empty.py': '',
      'README.md': '# Demo\n\nText.\n',
      'big.txt': 'x'.repeat(5000),
    });
    const report = await scanProject({ directory: root, ...base });
    expect(() => scanReportSchema.parse(report)).not.toThrow();
    expect(report.totals).toMatchObject({
      files: 9,
      binaryFiles: 1,
      emptyFiles: 1,
      skippedByIgnoreRules: 1,
      skippedHidden: 1,
      countedFiles: 8,
    });
    const ts = report.languages.find((l) => l.language === 'TypeScript');
    expect(ts).toMatchObject({ files: 2, code: 2, comment: 2, blank: 1 });
    expect(report.largestFiles[0]).toMatchObject({ path: 'big.txt', bytes: 5000, language: 'Text' });
    expect(report.todos.counts).toEqual({ TODO: 1, FIXME: 1, HACK: 1 });
    expect(report.todos.first.map((t) => `${t.path}:${t.line} ${t.marker}`)).toEqual([
      'scripts/run.sh:2 HACK',
      'src/a.ts:1 TODO',
      'src/a.ts:4 FIXME',
    ]);
    expect(report.manifests.items).toEqual([
      {
        path: 'package.json',
        ecosystem: 'npm',
        name: 'demo',
        dependencies: { runtime: 1, dev: 1 },
        totalDependencies: 2,
      },
    ]);
    expect(report.generated.files).toEqual([
      { path: 'src/vendor/lib.min.js', reason: 'minified', language: 'JavaScript' },
    ]);
    expect(report.errors.count).toBe(0);
    const text = formatSummary(report);
    expect(text).toContain('TypeScript');
    expect(text).toContain('1 TODO, 1 FIXME, 1 HACK');
  });

  it('reports progress in two phases on one rising scale', async () => {
    const root = tree(
      Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`d${k % 5}/f${k}.js`, 'a();\n'.repeat(2000)])),
    );
    const seen: ScanProgress[] = [];
    await scanProject({ directory: root, ...base }, (p) => seen.push(structuredClone(p)));
    expect(seen[0]).toMatchObject({ phase: 'walking', filesCounted: 0 });
    const lastWalking = seen.filter((p) => p.phase === 'walking').at(-1);
    expect(lastWalking?.walk.files).toBe(50);
    expect(seen.at(-1)).toMatchObject({ phase: 'counting', filesCounted: 50 });
  });

  it('stops at once when cancelled', async () => {
    const root = tree({ 'a.ts': 'x' });
    const controller = new AbortController();
    controller.abort(new Error('Cancelled by the client.'));
    await expect(scanProject({ directory: root, ...base, signal: controller.signal })).rejects.toThrow(
      'Cancelled by the client.',
    );
  });

  it('marks a partial result when maxFiles stops it', async () => {
    const root = tree(Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`f${k}.ts`, 'x;\n'])));
    const report = await scanProject({ directory: root, ...base, maxFiles: 5 });
    expect(report.truncated).toBe(true);
    expect(report.totals.files).toBe(5);
    expect(formatSummary(report)).toContain('partial result');
  });
});
