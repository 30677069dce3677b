// Knowledge search at scale, on the real tool path: a deterministic corpus of 10,000
// Markdown files is added to the built knowledge server (out/servers/knowledge.js) over
// stdio, then every query is a whole search_documents call from an MCP client: request,
// the freshness check (is anything on disk newer than the index?), ranking, snippets,
// result, answer. Called as Taskdeck calls it (a task: create, status notification,
// tasks/result) and as a plain call. Goal: p99 ≤ 50 ms, worst round.
// Anchor, in the same rounds: a naive linear scan over the same documents (lower-cased
// text, `includes` for every query word), what a search costs without an index.
// A last check edits a file and searches for a word only the edit added: the search
// right after the write must find it (the freshness guarantee).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { STOP_WORDS, tokenize } from '../../servers/knowledge/tokenize.js';
import { ROOT } from '../lib/machine.js';
import { mainThreadSchedMs, processCpuMs, processMemoryMb } from '../lib/proc.js';
import { goal, startBench } from '../lib/results.js';
import { interleave } from '../lib/rounds.js';
import { distribution, ratios, spread } from '../lib/stats.js';
import { taskCalls } from '../lib/task-calls.js';
import { type BenchQuery, generateCorpus, generateQueries } from './corpus.js';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_P99_MS = 50;
const SERVER = join(ROOT, 'out', 'servers', 'knowledge.js');
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const root = mkdtempSync(join(tmpdir(), 'bench-search-'));
const docsDir = join(root, 'docs');

async function connect(): Promise<{ client: Client; pid: number }> {
  const client = new Client(
    { name: 'bench', version: '1' },
    { capabilities: { roots: { listChanged: true } } },
  );
  client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: pathToFileURL(root).href }] }));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER],
    env: { PATH: process.env.PATH ?? '', TASKDECK_DATA_DIR: join(root, 'data') },
    stderr: 'ignore',
  });
  await client.connect(transport);
  await client.listTools();
  return { client, pid: transport.pid as number };
}

function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(JSON.stringify(result.content));
  return result.structuredContent as T;
}

interface SearchOutput {
  total: number;
  reindexed: { added: number; updated: number; removed: number };
}

async function main(): Promise<void> {
  const bench = startBench('search');
  const corpus = generateCorpus(DOCUMENTS);
  for (const [i, doc] of corpus.documents.entries()) {
    // 100 files per folder, like a real tree.
    const dir = join(docsDir, `part-${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, doc.name), doc.markdown);
  }
  const corpusBytes = corpus.documents.reduce((n, d) => n + Buffer.byteLength(d.markdown), 0);

  const { client, pid } = await connect();
  const tasks = taskCalls(client);
  /** A tool call as Taskdeck makes it: a task, its status notification, tasks/result. */
  const asTask = async <T>(name: string, args: Record<string, unknown>): Promise<T> => {
    const task = await tasks.start(name, args);
    await tasks.ended(task);
    return structured<T>(await tasks.result(task.taskId, 600_000));
  };
  let started = performance.now();
  const { documents } = await asTask<{ documents: number }>('add_folder', { path: docsDir });
  const indexMs = performance.now() - started;
  console.log(`indexed ${documents} documents (${mb(corpusBytes)} MB) in ${Math.round(indexMs)} ms`);
  const search = (args: Record<string, unknown>) => asTask<SearchOutput>('search_documents', args);
  const plain = async (args: Record<string, unknown>): Promise<SearchOutput> =>
    structured((await client.callTool({ name: 'search_documents', arguments: args })) as CallToolResult);
  const argsOf = (q: BenchQuery) => ({ query: q.query, ...(q.category && { category: q.category }) });

  const queries = generateQueries(corpus, QUERIES);
  const texts = corpus.documents.map((d) => d.markdown.toLowerCase());
  const linear = (q: BenchQuery) => {
    const words = tokenize(q.query.replace(/[*~"]/g, ' '))
      .map((t) => t.term)
      .filter((w) => !STOP_WORDS.has(w));
    let hits = 0;
    for (const text of texts) if (words.every((w) => text.includes(w))) hits++;
    return hits;
  };

  /** Times every query through `call`; checks that nothing needed re-indexing. */
  const timed = (call: (args: Record<string, unknown>) => Promise<SearchOutput>) => async () => {
    const ms: number[] = [];
    /** Each call less the time the server's main thread spent waiting for a core meanwhile. */
    const unqueuedMs: number[] = [];
    const cpuBefore = processCpuMs(pid) ?? 0;
    let matched = 0;
    for (const q of queries) {
      const before = mainThreadSchedMs(pid);
      const t = performance.now();
      const output = await call(argsOf(q));
      const elapsed = performance.now() - t;
      ms.push(elapsed);
      unqueuedMs.push(elapsed - ((mainThreadSchedMs(pid)?.waitMs ?? 0) - (before?.waitMs ?? 0)));
      if (output.total > 0) matched++;
      if (output.reindexed.added + output.reindexed.updated + output.reindexed.removed > 0)
        throw new Error('the index was unexpectedly stale');
    }
    return { ms, unqueuedMs, serverCpuMs: (processCpuMs(pid) ?? 0) - cpuBefore, matched };
  };
  const contenders = {
    taskCall: timed(search),
    plainCall: timed(plain),
    anchorLinearScan: async () => {
      const ms: number[] = [];
      for (const q of queries.slice(0, 100)) {
        const t = performance.now();
        linear(q);
        ms.push(performance.now() - t);
      }
      return { ms, unqueuedMs: ms, serverCpuMs: 0, matched: 0 };
    },
  };
  for (const q of queries.slice(0, 100)) await plain(argsOf(q)); // warm-up (JIT)
  const { results, loadPerRound } = await interleave(ROUNDS, contenders, (round, r) =>
    console.log(
      `round ${round}: ${Object.entries(r)
        .map(([name, x]) => {
          const d = distribution(x?.ms ?? []);
          return `${name} p50 ${d.p50} p99 ${d.p99} max ${d.max} ms`;
        })
        .join(' | ')}`,
    ),
  );
  const serverMemory = processMemoryMb(pid);

  // Freshness: a file changed right before a search is found by that search.
  const target = join(docsDir, 'part-000', corpus.documents[0]?.name ?? '');
  const marker = 'zyxwvutsfreshness';
  writeFileSync(target, `${corpus.documents[0]?.markdown}\n\nThe ${marker} marker.\n`);
  started = performance.now();
  const fresh = await search({ query: marker });
  const freshMs = performance.now() - started;
  await client.close();

  const dist = (name: keyof typeof contenders) => results[name].map((r) => distribution(r.ms));
  const taskRounds = dist('taskCall');
  const plainRounds = dist('plainCall');
  const anchorRounds = dist('anchorLinearScan');
  const worstP99 = Math.max(...taskRounds.map((d) => d.p99), ...plainRounds.map((d) => d.p99));
  const figures = {
    documents,
    corpusMB: mb(corpusBytes),
    indexMs: Math.round(indexMs),
    queriesPerRound: queries.length,
    matchedShare: Math.round(((results.plainCall[0]?.matched ?? 0) / queries.length) * 100) / 100,
    rounds: ROUNDS,
    loadPerRound,
    taskCallPerRound: taskRounds,
    plainCallPerRound: plainRounds,
    anchorLinearScanPerRound: anchorRounds,
    taskCallP99: spread(taskRounds.map((d) => d.p99)),
    plainCallP99: spread(plainRounds.map((d) => d.p99)),
    /**
     * An estimate of the call on an idle machine: each call less the time the server's main
     * thread waited for a core during it (the client's own waits stay in). Not the goal's figure.
     */
    unqueuedP99: {
      taskCall: spread(results.taskCall.map((r) => distribution(r.unqueuedMs).p99)),
      plainCall: spread(results.plainCall.map((r) => distribution(r.unqueuedMs).p99)),
    },
    serverCpuMsPerCall: spread(results.taskCall.map((r) => r.serverCpuMs / queries.length)),
    p50LinearOverTaskCall: ratios(
      anchorRounds.map((d) => d.p50),
      taskRounds.map((d) => d.p50),
    ),
    serverMemoryMb: serverMemory && {
      rss: Math.round(serverMemory.rssMb),
      peak: Math.round(serverMemory.hwmMb),
    },
    freshness: { searchAfterEditMs: Math.round(freshMs), found: fresh.total, reindexed: fresh.reindexed },
  };
  console.log(JSON.stringify(figures, null, 2));
  bench.write(figures, [
    goal(
      'search-call-p99',
      `search_documents call p99, ${documents} documents`,
      worstP99,
      'ms',
      { atMost: TARGET_P99_MS },
      `worst of ${ROUNDS} rounds, task and plain calls`,
    ),
    goal(
      'search-sees-edit',
      'documents found by the search right after an edit',
      fresh.total,
      'docs',
      { atLeast: 1 },
      'one edit, then one search',
    ),
  ]);
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
