/**
 * A deterministic synthetic corpus for the search benchmark: Markdown documents whose
 * words follow a Zipf distribution (like real prose), so that common terms hit most
 * documents and rare terms few, and a mixed query set drawn from the same corpus.
 * The same seed always gives the same corpus, on any machine.
 */

export interface CorpusDocument {
  /** Relative file name, e.g. `doc-00042.md`. */
  name: string;
  category: string;
  tags: string[];
  /** The whole Markdown file, front matter included. */
  markdown: string;
}

export type QueryKind = 'common' | 'rare' | 'two-terms' | 'prefix' | 'fuzzy' | 'phrase' | 'filtered';

export interface BenchQuery {
  kind: QueryKind;
  query: string;
  category?: string;
}

/** Real words at the top of the frequency ranks, so queries read like queries. */
const TOPIC_WORDS = [
  'task',
  'server',
  'progress',
  'cancel',
  'index',
  'search',
  'document',
  'folder',
  'result',
  'status',
  'client',
  'request',
  'protocol',
  'message',
  'timeout',
  'error',
  'deploy',
  'cluster',
  'metric',
  'query',
  'latency',
  'memory',
  'storage',
  'network',
  'config',
  'install',
  'update',
  'release',
  'build',
  'test',
  'stream',
  'buffer',
  'schema',
  'journal',
  'window',
  'render',
  'socket',
  'token',
  'origin',
  'process',
];
const STOP_WORDS = [
  'the',
  'of',
  'and',
  'to',
  'a',
  'in',
  'is',
  'it',
  'for',
  'on',
  'with',
  'as',
  'by',
  'at',
  'this',
];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tor',
  'sa',
  'vel',
  'qui',
  'dan',
  'po',
  'ser',
  'lin',
  'mar',
  'ti',
  'go',
  'bel',
  'cor',
  'na',
  'fi',
  'ul',
  'xen',
  'ro',
  'pa',
  'der',
  'ith',
  'mo',
  'zan',
  'el',
  'tra',
  'vin',
  'sol',
  'ex',
];
export const CATEGORIES = ['guide', 'reference', 'tutorial', 'changelog', 'faq'];
const TAGS = ['linux', 'macos', 'windows', 'cli', 'ui', 'api', 'security', 'performance'];

/** mulberry32: a tiny, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildVocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>(TOPIC_WORDS);
  while (words.size < size) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

class Zipf {
  private readonly cumulative: Float64Array;
  constructor(
    private readonly words: string[],
    exponent: number,
  ) {
    this.cumulative = new Float64Array(words.length);
    let sum = 0;
    for (let rank = 0; rank < words.length; rank++) {
      sum += 1 / (rank + 1) ** exponent;
      this.cumulative[rank] = sum;
    }
  }
  pick(random: () => number): string {
    const target = random() * (this.cumulative[this.cumulative.length - 1] ?? 0);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.cumulative[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return this.words[low] ?? '';
  }
}

function pickOne<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pickOne on an empty list');
  return item;
}

export interface Corpus {
  documents: CorpusDocument[];
  vocabulary: string[];
}

export function generateCorpus(count: number, seed = 1686): Corpus {
  const random = prng(seed);
  const vocabulary = buildVocabulary(30_000, random);
  const zipf = new Zipf(vocabulary, 1.05);
  const sentence = (words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++)
      out.push(random() < 0.3 ? pickOne(STOP_WORDS, random) : zipf.pick(random));
    return out.join(' ');
  };
  const documents: CorpusDocument[] = [];
  for (let n = 0; n < count; n++) {
    const title = sentence(2 + Math.floor(random() * 4)).replace(/^\w/, (c) => c.toUpperCase());
    const category = pickOne(CATEGORIES, random);
    const tags = [...new Set([pickOne(TAGS, random), pickOne(TAGS, random)])];
    const lines = [
      '---',
      `title: ${title}`,
      `category: ${category}`,
      `tags: [${tags.join(', ')}]`,
      '---',
      '',
      `# ${title}`,
    ];
    const sections = 1 + Math.floor(random() * 4);
    for (let s = 0; s < sections; s++) {
      lines.push('', `## ${sentence(2 + Math.floor(random() * 3))}`, '');
      const paragraphs = 1 + Math.floor(random() * 3);
      for (let p = 0; p < paragraphs; p++) lines.push(`${sentence(20 + Math.floor(random() * 60))}.`, '');
    }
    documents.push({
      name: `doc-${String(n).padStart(5, '0')}.md`,
      category,
      tags,
      markdown: lines.join('\n'),
    });
  }
  return { documents, vocabulary };
}

/** A mixed query set: each kind in equal share, drawn deterministically from the corpus. */
export function generateQueries(corpus: Corpus, count: number, seed = 2025): BenchQuery[] {
  const random = prng(seed);
  const { vocabulary, documents } = corpus;
  const common = () => pickOne(vocabulary.slice(0, 40), random);
  const rare = () => pickOne(vocabulary.slice(5_000, 20_000), random);
  const mid = () => pickOne(vocabulary.slice(100, 2_000), random);
  const makers: Record<QueryKind, () => BenchQuery> = {
    common: () => ({ kind: 'common', query: common() }),
    rare: () => ({ kind: 'rare', query: rare() }),
    'two-terms': () => ({ kind: 'two-terms', query: `${common()} ${mid()}` }),
    prefix: () => ({ kind: 'prefix', query: `${mid().slice(0, 3)}*` }),
    fuzzy: () => {
      const word = mid();
      const at = 1 + Math.floor(random() * (word.length - 2));
      return { kind: 'fuzzy', query: `${word.slice(0, at)}${word.slice(at + 1)}~` };
    },
    phrase: () => {
      const doc = pickOne(documents, random);
      const body = doc.markdown.split('\n').find((line) => line.length > 80) ?? doc.markdown;
      const words = body.replace(/[."]/g, '').split(/\s+/);
      // Three words in a row, at least one of them not a stop word (those are not indexed).
      let start = 0;
      do start = Math.floor(random() * Math.max(1, words.length - 4));
      while (words.slice(start, start + 3).every((w) => STOP_WORDS.includes(w)));
      return { kind: 'phrase', query: `"${words.slice(start, start + 3).join(' ')}"` };
    },
    filtered: () => ({
      kind: 'filtered',
      query: `${common()} ${mid()}`,
      category: pickOne(CATEGORIES, random),
    }),
  };
  const kinds = Object.keys(makers) as QueryKind[];
  return Array.from({ length: count }, (_, i) => makers[kinds[i % kinds.length] as QueryKind]());
}
