import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpHarness, structured, textOf } from '../../test/mcp-harness.js';
import { tempTree } from './test/fixtures.js';
import { SearchOutput } from './tools/search-documents.js';

const harnesses: McpHarness[] = [];
const trees: ReturnType<typeof tempTree>[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  for (const tree of trees.splice(0)) tree.remove();
});

function tree(files: Record<string, string> = {}) {
  const t = tempTree(files);
  trees.push(t);
  return t;
}

async function start(options: Parameters<typeof McpHarness.start>[1] = {}) {
  const h = await McpHarness.start('knowledge', options);
  harnesses.push(h);
  return h;
}

const guides = () =>
  tree({
    'tasks.md':
      '---\ntitle: MCP Tasks\ncategory: guide\ntags: [mcp]\n---\n# MCP Tasks\n\nA task reports progress until it is completed.',
    'roots.md': '# Roots\n\nServers read only the folders you granted.',
  });

const search = async (h: McpHarness, args: Record<string, unknown>) => {
  const { result } = await h.call('search_documents', args);
  return result;
};

describe('knowledge server', () => {
  it('answers a search over the bundled guides inline, with snippets and highlight ranges', async () => {
    const h = await start(); // no TASKDECK_KNOWLEDGE_DIR: the guides next to the built server
    const first = await search(h, { query: 'cancel task', limit: 3 });
    expect(first.isError).toBeFalsy();
    const output = structured(first, SearchOutput);
    expect(output.reindexed.added).toBeGreaterThanOrEqual(4);
    expect(output.results.length).toBeGreaterThan(0);
    for (const r of output.results) {
      expect(r.path).toMatch(/resources\/knowledge\/.+\.md$/);
      for (const { start, end } of r.snippet.highlights)
        expect(r.snippet.text.slice(start, end)).toMatch(/^(cancel\w*|task\w*)$/i);
    }
    const titled = structured(await search(h, { query: 'troubleshooting' }), SearchOutput);
    expect(titled.reindexed).toEqual({ added: 0, updated: 0, removed: 0, skipped: 0 });
    expect(titled.results[0]?.title).toBe('Troubleshooting');
    expect(titled.results[0]?.titleHighlights).toEqual([{ start: 0, end: 15 }]);
  });

  it('explains bad queries and bad arguments, and keeps serving', async () => {
    const h = await start({ env: { TASKDECK_KNOWLEDGE_DIR: guides().root } });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ query: '' }, /The query is empty/],
      [{ query: 'the and of' }, /only common words \(the, and, of\)/],
      [{ query: 'x'.repeat(600) }, /too long \(600 characters; at most 500\)/],
      [{ query: 'tasks', limit: 500 }, /Invalid arguments for search_documents: limit: .*<=50/],
      [{ query: 'tasks', sort: 'date' }, /Invalid arguments for search_documents: .*unknown field\(s\) sort/],
      [{ query: 42 }, /Invalid arguments for search_documents: query: .*string/],
    ];
    for (const [args, message] of cases) {
      const result = await search(h, args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
    const filtered = await search(h, { query: 'task', category: 'recipes' });
    expect(textOf(filtered)).toMatch(/no document has category "recipes" \(categories: guide, markdown\)/);
    expect(structured(await search(h, { query: 'granted' }), SearchOutput).total).toBe(1);
  });

  it('indexes a folder as a task with progress by files, then finds and returns its documents', async () => {
    const docs = tree();
    for (let i = 0; i < 40; i++)
      docs.write(`notes/n${i}.md`, `# Note ${i}\n\nThe nebula catalogue entry ${i}.`);
    docs.write('web/page.html', '<title>Observatory</title><p>Nebula photos &amp; notes</p>');
    const h = await start({ roots: [docs.root], env: { TASKDECK_KNOWLEDGE_DIR: guides().root } });
    const { task, progressToken } = await h.startTask('add_folder', { path: docs.root });
    const result = await h.result(task.taskId);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      folder: docs.root,
      documents: 41,
      added: 41,
      alreadyIndexed: false,
    });
    expect(h.statusesOf(task.taskId).at(-1)).toBe('completed');
    const progress = h.progressOf(progressToken);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ progress: 41, total: 41 });
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]?.progress).toBeGreaterThan(progress[i - 1]?.progress ?? 0);

    const found = structured(await search(h, { query: '"nebula photos"' }), SearchOutput);
    expect(found.results.map((r) => r.title)).toEqual(['Observatory']);
    const doc = (await h.call('get_document', { id: found.results[0]?.id })).result;
    expect(doc.structuredContent).toMatchObject({
      title: 'Observatory',
      format: 'html',
      text: 'Nebula photos & notes',
    });
    expect(textOf((await h.call('get_document', { id: '/nope.md' })).result)).toMatch(
      /No indexed document \/nope\.md/,
    );
    expect(textOf((await h.call('list_sources', {})).result)).toMatch(/43 documents indexed from 2 sources/);
  });

  it('runs a search that must re-index changed files as a task, with progress', async () => {
    const docs = tree({ 'a.md': '# Alpha\n\nfirst draft', 'b.md': '# Beta\n\nsecond' });
    const h = await start({ roots: [docs.root], env: { TASKDECK_KNOWLEDGE_DIR: guides().root } });
    await h.result((await h.startTask('add_folder', { path: docs.root })).task.taskId);
    expect(structured(await search(h, { query: 'draft' }), SearchOutput).reindexed.added).toBe(2); // the guides
    docs.write('a.md', '# Alpha\n\nfinal quasar version', 2_000_000_000);
    docs.write('c.md', '# Gamma\n\nanother quasar');
    // Searches reuse a walk that ended very recently (at most 2 s ago): let that window pass.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const { task, progressToken } = await h.startTask('search_documents', { query: 'quasar' });
    const result = await h.result(task.taskId);
    const output = structured(result, SearchOutput);
    expect(output.reindexed).toMatchObject({ added: 1, updated: 1, removed: 0 });
    expect(output.results.map((r) => r.title).sort()).toEqual(['Alpha', 'Gamma']);
    expect(h.progressOf(progressToken).at(-1)).toMatchObject({ progress: 2, total: 2 });
    expect(h.statusesOf(task.taskId).at(-1)).toBe('completed');
  });

  it('cancels add_folder midway and leaves the index as it was', async () => {
    const docs = tree();
    const body = 'lorem ipsum dolor sit amet '.repeat(200);
    for (let d = 0; d < 30; d++) {
      mkdirSync(join(docs.root, `d${d}`));
      for (let i = 0; i < 100; i++)
        writeFileSync(join(docs.root, `d${d}`, `f${i}.md`), `# File ${d}-${i}\n\nzircon ${body}`);
    }
    const h = await start({ roots: [docs.root], env: { TASKDECK_KNOWLEDGE_DIR: guides().root } });
    const { task, progressToken } = await h.startTask('add_folder', { path: docs.root });
    await h.until(() => h.progressOf(progressToken).some((p) => p.progress > 0), 'first indexing progress');
    await h.client.experimental.tasks.cancelTask(task.taskId);
    await h.waitForStatus(task.taskId, 'cancelled');
    const final = await h.client.experimental.tasks.getTask(task.taskId);
    expect(final.status).toBe('cancelled');
    expect(h.progressOf(progressToken).at(-1)?.progress ?? 0).toBeLessThan(3000);
    const after = structured(await search(h, { query: 'zircon' }), SearchOutput);
    expect(after.total).toBe(0);
    const sources = (await h.call('list_sources', {})).result.structuredContent as {
      sources: unknown[];
      documents: number;
    };
    expect(sources).toMatchObject({ documents: 2 });
    expect(sources.sources).toHaveLength(1);
  });

  it('enforces the roots: refuses folders outside them and stops serving a folder whose root is revoked', async () => {
    const granted = tree({ 'ok.md': '# Granted doc\n\nmeteorite' });
    const outside = tree({ 'secret.md': '# Secret\n\nmeteorite' });
    const h = await start({ roots: [granted.root], env: { TASKDECK_KNOWLEDGE_DIR: guides().root } });
    const denied = await h.result((await h.startTask('add_folder', { path: outside.root })).task.taskId);
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/Access denied: .* is outside the folders and files you granted/);
    const relative = await h.result((await h.startTask('add_folder', { path: 'docs' })).task.taskId);
    expect(textOf(relative)).toMatch(/Path must be absolute: docs/);

    await h.result((await h.startTask('add_folder', { path: granted.root })).task.taskId);
    expect(
      structured(await search(h, { query: 'meteorite' }), SearchOutput).results.map((r) => r.title),
    ).toEqual(['Granted doc']);
    await h.setRoots([outside.root]);
    await new Promise((r) => setTimeout(r, 50)); // the list_changed notification reaches the server
    expect(structured(await search(h, { query: 'meteorite' }), SearchOutput).total).toBe(0);
    const doc = (await h.call('get_document', { id: granted.path('ok.md') })).result;
    expect(doc.isError).toBe(true);
    expect(textOf(doc)).toMatch(/Access denied/);
    expect(textOf((await h.call('list_sources', {})).result)).toMatch(
      /1 document, unavailable \(Access denied/,
    );
    expect(textOf((await h.call('remove_folder', { path: granted.root })).result)).toMatch(
      /Removed .* \(1 document\)/,
    );
  });

  it('rebuilds a damaged index with a notice instead of crashing', async () => {
    const data = tree({ 'knowledge/index.jsonl': '{"format":1,"documents":3,"savedAt":1}\nnot json\n' });
    const h = await start({ env: { TASKDECK_DATA_DIR: data.root, TASKDECK_KNOWLEDGE_DIR: guides().root } });
    const result = await search(h, { query: 'granted' });
    expect(textOf(result)).toMatch(
      /saved search index was damaged \(line 2 is not valid JSON\)\. It is rebuilt/,
    );
    expect(structured(result, SearchOutput).results.map((r) => r.title)).toEqual(['Roots']);
    expect(h.stderr).toMatch(/damaged/);
  });
});
