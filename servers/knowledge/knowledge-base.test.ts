import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeBase } from './knowledge-base.js';
import { parseQuery } from './query.js';
import { recordingWork, tempTree } from './test/fixtures.js';

describe('KnowledgeBase', () => {
  let guides: ReturnType<typeof tempTree>;
  let user: ReturnType<typeof tempTree>;
  let data: ReturnType<typeof tempTree>;
  /** Folders outside this one are refused, like the client's roots. */
  let allowed: string;

  const open = (scanReuseFactor?: number, maxWatchedFolders?: number) =>
    KnowledgeBase.open({
      scanReuseFactor,
      maxWatchedFolders,
      indexDir: data.root,
      guidesDir: guides.root,
      saveDelayMs: 0,
      resolveFolder: async (path) => {
        if (!path.startsWith(allowed))
          throw new Error(`Access denied: ${path} is outside the folders and files you granted.`);
        return path;
      },
    });
  const titles = (base: KnowledgeBase, query: string) =>
    base.search(parseQuery(query), {}, 20).hits.map((h) => h.record.title);

  beforeEach(() => {
    guides = tempTree({
      'tasks.md': '# MCP Tasks\n\nTasks report progress.',
      'roots.md': '# Roots\n\nGranted folders.',
    });
    user = tempTree({
      'notes/alpha.md': '# Alpha notes\n\nThe zephyr project.',
      'notes/beta.txt': 'Beta list\nzephyr again',
      'site/page.html': '<title>Gamma page</title><p>Zephyr on the web</p>',
      'src/main.ts': 'export function zephyrWind() {}',
      'notes/image.md': 'binary\u0000data',
      'node_modules/dep/readme.md': '# Dependency zephyr',
      '.hidden/secret.md': '# Hidden zephyr',
    });
    data = tempTree();
    data.root = join(data.root, 'knowledge');
    allowed = user.root;
  });
  afterEach(() => {
    guides.remove();
    user.remove();
    rmSync(data.root.replace(/\/knowledge$/, ''), { recursive: true, force: true });
  });

  it('indexes the guides on the first refresh, then finds nothing to do', async () => {
    const base = await open();
    expect(await base.isStale()).toBe(true);
    const { work, progress } = recordingWork();
    expect(await base.refresh(work)).toMatchObject({ added: 2, updated: 0, removed: 0 });
    expect(progress.at(-1)).toMatchObject({ done: 2, total: 2 });
    expect(titles(base, 'progress')).toEqual(['MCP Tasks']);
    expect(await base.refresh(recordingWork().work)).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
      skipped: 0,
    });
  });

  it('adds a folder: Markdown, text, HTML and code; skips binary, hidden and dependency files', async () => {
    const base = await open();
    const { work, progress } = recordingWork();
    const result = await base.addFolder(user.root, work);
    expect(result).toMatchObject({
      folder: user.root,
      documents: 4,
      added: 4,
      skipped: 1,
      alreadyIndexed: false,
    });
    expect(titles(base, 'zephyr').sort()).toEqual(['Alpha notes', 'Beta list', 'Gamma page', 'main.ts']);
    expect(progress.map((p) => p.done)).toEqual([0, 5]);
    const listed = await base.listSources();
    expect(listed.sources.map((s) => [s.kind, s.documents, s.state])).toEqual([
      ['guides', 0, 'ready'],
      ['folder', 4, 'ready'],
    ]);
  });

  it('updates incrementally: a changed file is re-read, a deleted one removed, others untouched', async () => {
    const base = await open();
    await base.addFolder(user.root, recordingWork().work);
    await base.refresh(recordingWork().work);
    const before = base.search(parseQuery('beta'), {}, 5).hits[0]?.record.indexedAt;
    user.write('notes/alpha.md', '# Alpha notes\n\nNow about the mistral wind.', 2_000_000_000);
    rmSync(user.path('site/page.html'));
    expect(await base.isStale()).toBe(true);
    const { work, progress } = recordingWork();
    expect(await base.refresh(work)).toMatchObject({ added: 0, updated: 1, removed: 1 });
    expect(progress.at(-1)).toMatchObject({ done: 1, total: 1 });
    expect(titles(base, 'mistral')).toEqual(['Alpha notes']);
    expect(titles(base, 'zephyr').sort()).toEqual(['Beta list', 'main.ts']);
    expect(base.search(parseQuery('beta'), {}, 5).hits[0]?.record.indexedAt).toBe(before);
  });

  it('leaves the index as it was when add_folder is cancelled midway', async () => {
    for (let i = 0; i < 60; i++) user.write(`bulk/file-${i}.md`, `# Bulk ${i}\n\nquasar ${i}`);
    const base = await open();
    await base.refresh(recordingWork().work);
    const { work, progress } = recordingWork((done, _total, controller) => {
      if (done >= 16) controller.abort(new Error('Cancelled by the test'));
    });
    await expect(base.addFolder(user.root, work)).rejects.toThrow('Cancelled by the test');
    expect(progress.some((p) => p.done >= 16)).toBe(true);
    expect(titles(base, 'quasar')).toEqual([]);
    expect(base.documentCount).toBe(2);
    expect((await base.listSources()).sources).toHaveLength(1);
    // Nothing left half-done: the same folder can be added afterwards.
    expect((await base.addFolder(user.root, recordingWork().work)).documents).toBe(64);
  });

  it('persists the index and the folders, and reopens without re-indexing', async () => {
    const base = await open();
    await base.addFolder(user.root, recordingWork().work);
    await base.refresh(recordingWork().work);
    await base.flush();
    const reopened = await open();
    expect(reopened.documentCount).toBe(6);
    expect(await reopened.isStale()).toBe(false);
    expect(titles(reopened, 'zephyr')).toHaveLength(4);
    expect(reopened.takeNotices()).toEqual([]);
  });

  it.each([
    ['garbage', () => 'not json at all\n'],
    ['a truncated file', (text: string) => text.slice(0, Math.floor(text.length * 0.6))],
    ['a missing document line', (text: string) => text.split('\n').slice(0, -2).join('\n')],
    ['an empty file', () => ''],
  ])('recovers from a corrupt index (%s): rebuilt with a notice, never a crash', async (_name, damage) => {
    const base = await open();
    await base.addFolder(user.root, recordingWork().work);
    await base.refresh(recordingWork().work);
    await base.flush();
    const file = join(data.root, 'index.jsonl');
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    const reopened = await open();
    expect(reopened.documentCount).toBe(0);
    const [notice] = reopened.takeNotices();
    expect(notice).toMatch(
      /saved search index was damaged \(.+\)\. It is rebuilt from the bundled guides and your 1 folder/,
    );
    // Set aside under a name of its own: a later damage does not overwrite the earlier copy.
    expect(readdirSync(data.root).filter((name) => name.startsWith('index.jsonl.corrupt-'))).toHaveLength(1);
    expect(await reopened.refresh(recordingWork().work)).toMatchObject({ added: 6 });
    expect(titles(reopened, 'zephyr')).toHaveLength(4);
  });

  it('refuses folders outside the roots and stops searching a folder whose root was revoked', async () => {
    const base = await open();
    allowed = '/nowhere';
    await expect(base.addFolder(user.root, recordingWork().work)).rejects.toThrow(/Access denied/);
    allowed = user.root;
    await base.addFolder(user.root, recordingWork().work);
    allowed = '/nowhere';
    await base.refresh(recordingWork().work);
    expect(titles(base, 'zephyr')).toEqual([]);
    const source = (await base.listSources()).sources[1];
    expect(source).toMatchObject({ state: 'unavailable', documents: 4 });
    expect(source?.problem).toMatch(/Access denied/);
    await expect(base.document(user.path('notes/alpha.md'))).rejects.toThrow(/Access denied/);
    allowed = user.root;
    await base.refresh(recordingWork().work);
    expect(titles(base, 'zephyr')).toHaveLength(4);
  });

  it('treats a folder inside an indexed one as already indexed, and absorbs indexed folders into a parent', async () => {
    const base = await open();
    const inner = await base.addFolder(user.path('notes'), recordingWork().work);
    expect(inner).toMatchObject({ documents: 2, alreadyIndexed: false });
    const parent = await base.addFolder(user.root, recordingWork().work);
    expect(parent).toMatchObject({ documents: 4, added: 2, updated: 0, absorbed: [user.path('notes')] });
    const again = await base.addFolder(user.path('notes'), recordingWork().work);
    expect(again).toMatchObject({ folder: user.root, alreadyIndexed: true, added: 0 });
    expect((await base.listSources()).sources.map((s) => s.path)).toEqual([guides.root, user.root]);
  });

  it('removes a folder and its documents; refuses unknown folders and the guides', async () => {
    const base = await open();
    await base.addFolder(user.root, recordingWork().work);
    expect(await base.removeFolder(`${user.root}/`)).toEqual({ folder: user.root, removed: 4 });
    expect(titles(base, 'zephyr')).toEqual([]);
    await expect(base.removeFolder(user.root)).rejects.toThrow(
      /is not an indexed folder \(indexed folders: none\)/,
    );
    await expect(base.removeFolder(guides.root)).rejects.toThrow(/cannot be removed/);
    expect((await open()).sources()).toHaveLength(1);
  });

  it('sees in a search every change made before it, and walks no folder when nothing changed', async () => {
    const base = await open(1e9); // the stat pass would be reused for 2 s: the watches decide
    await base.addFolder(user.root, recordingWork().work);
    await base.refresh(recordingWork().work); // the first pass arms the watches
    expect(base.watchedFolders().get(user.root)).toBeGreaterThan(3);
    const search = () => base.refresh(recordingWork().work, { reuseRecentScan: true });

    const quiet = recordingWork();
    expect(await base.refresh(quiet.work, { reuseRecentScan: true })).toMatchObject({ added: 0, updated: 0 });
    expect(quiet.statuses).toEqual([]); // no walk at all

    user.write('new/deeper/late.md', '# Late zephyr'); // in folders that did not exist
    expect(await search()).toMatchObject({ added: 1 });
    expect(titles(base, 'zephyr')).toContain('Late zephyr');
    user.write('new/deeper/later.md', '# Later zephyr'); // in a folder made by the previous change
    expect(await search()).toMatchObject({ added: 1 });
    user.write('notes/alpha.md', '# Alpha notes\n\nThe mistral project.');
    expect(await search()).toMatchObject({ updated: 1 });
    expect(titles(base, 'mistral')).toEqual(['Alpha notes']);
    rmSync(user.path('notes/beta.txt'));
    expect(await search()).toMatchObject({ removed: 1 });
    rmSync(user.path('new'), { recursive: true });
    expect(await search()).toMatchObject({ removed: 2 });
    expect(titles(base, 'zephyr')).not.toContain('Late zephyr');
    expect(await search()).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('without watches, lets searches reuse a recent stat pass, but re-checks the roots every time', async () => {
    const base = await open(1e9, 0); // reuse for the maximum, 2 s; no folder watched
    await base.addFolder(user.root, recordingWork().work);
    await base.refresh(recordingWork().work);
    expect(base.watchedFolders().get(user.root)).toBe(0);
    user.write('notes/late.md', '# Late zephyr');
    expect(await base.refresh(recordingWork().work, { reuseRecentScan: true })).toMatchObject({ added: 0 });
    allowed = '/nowhere';
    await base.refresh(recordingWork().work, { reuseRecentScan: true });
    expect(titles(base, 'zephyr')).toEqual([]);
    allowed = user.root;
    // Readable again: it may have changed meanwhile, so the walk runs at once.
    expect(await base.refresh(recordingWork().work, { reuseRecentScan: true })).toMatchObject({ added: 1 });
    expect(titles(base, 'zephyr')).toContain('Late zephyr');
  });
});
