import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTree } from './test/fixture-tree.js';
import { type WalkOptions, walk } from './walker.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tree(entries: Parameters<typeof makeTree>[0]) {
  const t = makeTree(entries);
  cleanups.push(t.cleanup);
  return t.root;
}

const defaults: WalkOptions = { respectGitignore: true, includeHidden: false, followSymlinks: false };

async function filesOf(root: string, options: Partial<WalkOptions> = {}) {
  const files: string[] = [];
  const stats = await walk(root, { ...defaults, ...options }, { onFile: (f) => void files.push(f.rel) });
  return { files: files.sort(), stats };
}

describe('walker: ignore rules', () => {
  it('applies nested .gitignore files, negations, .git/info/exclude, and skips .git', async () => {
    const root = tree({
      '.git/info/exclude': 'secret.txt\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': '*.log\nbuild/\n!keep.log\n',
      'a.ts': 'x',
      'debug.log': 'x',
      'keep.log': 'x',
      'secret.txt': 'x',
      'build/out.js': 'x',
      'src/.gitignore': 'generated/\n!important.log\n*.tmp\n',
      'src/main.ts': 'x',
      'src/trace.log': 'x',
      'src/important.log': 'x',
      'src/x.tmp': 'x',
      'src/generated/g.ts': 'x',
      'src/deep/y.tmp': 'x',
      'src/deep/z.ts': 'x',
    });
    const { files, stats } = await filesOf(root, { includeHidden: true });
    expect(files).toEqual([
      '.gitignore',
      'a.ts',
      'keep.log',
      'src/.gitignore',
      'src/deep/z.ts',
      'src/important.log',
      'src/main.ts',
    ]);
    // .git, debug.log, secret.txt, build/, src/trace.log, src/x.tmp, src/generated/, src/deep/y.tmp
    expect(stats.skippedIgnored).toBe(8);
  });

  it('scans everything (but hidden files) when respectGitignore is false', async () => {
    const root = tree({ '.gitignore': '*.log\n', 'a.log': 'x', 'b.ts': 'x', '.env': 'x' });
    const { files, stats } = await filesOf(root, { respectGitignore: false });
    expect(files).toEqual(['a.log', 'b.ts']);
    expect(stats.skippedHidden).toBe(2);
    expect((await filesOf(root, { respectGitignore: false, includeHidden: true })).files).toEqual([
      '.env',
      '.gitignore',
      'a.log',
      'b.ts',
    ]);
  });

  it('applies the enclosing repository rules to a subfolder, unless they ignore the picked folder itself', async () => {
    const root = tree({
      '.git/HEAD': 'x',
      '.gitignore': 'node_modules/\n*.gen.ts\n',
      'pkg/a.ts': 'x',
      'pkg/b.gen.ts': 'x',
      'node_modules/dep/index.js': 'x',
    });
    expect((await filesOf(join(root, 'pkg'))).files).toEqual(['a.ts']);
    // The user picked an ignored folder on purpose: it is scanned.
    expect((await filesOf(join(root, 'node_modules', 'dep'))).files).toEqual(['index.js']);
    // Rules above the granted roots are not read.
    expect(
      (await filesOf(join(root, 'pkg'), { mayRead: (p) => p.startsWith(join(root, 'pkg')) })).files,
    ).toEqual(['a.ts', 'b.gen.ts']);
  });
});

describe('walker: symlinks', () => {
  it('skips symlinks by default and follows them on request, ending loops', async () => {
    const root = tree({
      'a/file.ts': 'x',
      'a/loop': { link: '..' },
      'a/self': { link: '.' },
      'b/link-to-a': { link: '../a' },
      'b/file-link.ts': { link: '../a/file.ts' },
      'b/dangling': { link: '../nowhere' },
    });
    const skipped = await filesOf(root);
    expect(skipped.files).toEqual(['a/file.ts']);
    expect(skipped.stats.symlinksSkipped).toBe(5);

    const followed = await filesOf(root, { followSymlinks: true });
    // a/ is scanned once (directly or through b/link-to-a); the linked file counts under its link name.
    expect(followed.files.length).toBe(2);
    expect(followed.files).toContain('b/file-link.ts');
    expect(followed.files.some((f) => f === 'a/file.ts' || f === 'b/link-to-a/file.ts')).toBe(true);
    expect(followed.stats.symlinkLoops).toBeGreaterThanOrEqual(2);
    expect(followed.stats.errors.map((e) => [e.path, e.code])).toEqual([['b/dangling', 'ENOENT']]);
  });

  it('does not follow links whose target is outside the granted roots', async () => {
    const outside = tree({ 'secret.ts': 'x' });
    const root = tree({ 'in.ts': 'x', out: { link: outside } });
    const { files, stats } = await filesOf(root, {
      followSymlinks: true,
      mayRead: (p) => p.startsWith(root),
    });
    expect(files).toEqual(['in.ts']);
    expect(stats.errors[0]).toMatchObject({
      path: 'out',
      message: 'link target is outside the granted roots',
    });
  });
});

describe('walker: errors and limits', () => {
  it('records a folder that vanished during the walk and goes on', async () => {
    const root = tree({ 'a.ts': 'x', 'gone/b.ts': 'x', 'kept/c.ts': 'x' });
    const files: string[] = [];
    const stats = await walk(
      root,
      { ...defaults, concurrency: 1 },
      {
        onFile: (f) => {
          files.push(f.rel);
          // Listed but not yet read: deleting it now makes its readdir fail.
          if (f.rel === 'a.ts') rmSync(join(root, 'gone'), { recursive: true });
        },
      },
    );
    expect(files.sort()).toEqual(['a.ts', 'kept/c.ts']);
    expect(stats.errors).toEqual([{ path: 'gone', code: 'ENOENT', message: 'vanished during the scan' }]);
  });

  it('records a folder it may not read (skipped with a reason when running as root)', async (ctx) => {
    if (process.getuid?.() === 0) {
      console.log(
        'skipped: running as root, chmod 000 does not stop root from reading (the vanished-folder test covers the error path)',
      );
      ctx.skip();
    }
    const root = tree({ 'locked/a.ts': 'x', 'b.ts': 'x' });
    chmodSync(join(root, 'locked'), 0o000);
    cleanups.unshift(() => chmodSync(join(root, 'locked'), 0o755));
    const { files, stats } = await filesOf(root);
    expect(files).toEqual(['b.ts']);
    expect(stats.errors[0]).toMatchObject({ path: 'locked', code: 'EACCES', message: 'permission denied' });
  });

  it('stops at maxFiles and says so', async () => {
    const root = tree(Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`d${k % 3}/f${k}.ts`, 'x'])));
    const { files, stats } = await filesOf(root, { maxFiles: 10 });
    expect(files.length).toBe(10);
    expect(stats.truncated).toBe(true);
  });

  it('stops when the signal aborts', async () => {
    const root = tree({ 'a/b.ts': 'x' });
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(
      walk(root, { ...defaults, signal: controller.signal }, { onFile: () => {} }),
    ).rejects.toThrow('stop now');
  });

  it('fails clearly when the folder itself cannot be read', async () => {
    await expect(walk('/nonexistent/taskdeck-folder', defaults, { onFile: () => {} })).rejects.toThrow(
      /ENOENT/,
    );
  });
});
