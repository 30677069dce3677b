import type MiniSearch from 'minisearch';
import type { DocumentIndex, DocumentRecord, RawMatch, TermPostings, TermTree } from './document-index.js';
import { type ParsedQuery, phrasePattern, queryKey, type TermClause } from './query.js';
import { isAscii, tokenize } from './tokenize.js';

type Query = Parameters<MiniSearch['search']>[0];

export interface SearchFilters {
  category?: string;
  /** A document must carry all of them. */
  tags?: readonly string[];
  /** Only documents of these sources (the ones the user may read now). */
  sources?: ReadonlySet<string>;
}

export interface Hit {
  record: DocumentRecord;
  score: number;
  /** Index terms that matched (after prefix and fuzzy expansion): what to highlight. */
  terms: string[];
}

export interface Ranked {
  /** Matching documents (after filters and phrase checks). */
  total: number;
  /** True when `total` is extrapolated (a phrase query with very many candidates). */
  totalIsEstimate: boolean;
  hits: Hit[];
  /** True when no document had every word, so documents with some of them are shown. */
  relaxed: boolean;
  /** One per phrase, to highlight whole phrases. */
  phrases: RegExp[];
}

/** Title words weigh most, then headings, then body text. */
const FIELD_BOOST = { title: 4, headings: 2, text: 1 };
/**
 * A prefix or fuzzy word (`word*`, `word~`) expands to at most this many index terms
 * and postings in all (the closest typos, then the terms in most documents, first).
 * Lucene and Elasticsearch cap expansions the same way (max_expansions = 50): without
 * a cap a two-letter prefix touches most of the index.
 */
const EXPLICIT = { maxTerms: 16, postings: 6_000 };
/** Implicit expansions (a plain word also finding longer forms) must stay cheap. */
const IMPLICIT = { maxTerms: 8, postings: 2_000 };
/** A plain word is treated as a possible typo only when it is this rare in the index. */
const TYPO_SUSPECT_MAX_POSTINGS = 3;
/** Matches on a longer word or a typo count less than the word itself (MiniSearch's weights). */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
/** A document titled exactly as the query ranks first. */
const EXACT_TITLE_BONUS = 2;
const AUTO_PREFIX_MIN = 4;
/** Phrase candidates checked, best first: enough for any page of results; beyond, the total is extrapolated. */
const PHRASE_CHECKS = 600;
const PHRASE_LOOKUP_TERMS = 2;
const AUTO_FUZZY_MIN = 5;

export function rankDocuments(
  index: DocumentIndex,
  parsed: ParsedQuery,
  filters: SearchFilters,
  limit: number,
): Ranked {
  const weights = new Map<string, number>();
  /** Which clause each looked-up term belongs to, to count matched clauses. */
  const clauseOf = new Map<string, number>();
  const tree = index.terms;
  const clauses: Query[] = [];
  for (const phrase of parsed.phrases) {
    const lookup = tree ? rarest(tree, phrase.terms, PHRASE_LOOKUP_TERMS) : phrase.terms;
    for (const term of lookup) clauseOf.set(term, clauses.length);
    clauses.push({ combineWith: 'AND', queries: lookup });
  }
  for (const clause of parsed.terms) {
    const expansions = tree ? expand(tree, clause) : new Map([[clause.term, 1]]);
    for (const [term, weight] of expansions) {
      weights.set(term, Math.max(weight, weights.get(term) ?? 0));
      clauseOf.set(term, clauses.length);
    }
    clauses.push(tree ? { combineWith: 'OR', queries: [...expansions.keys()] } : nativeClause(clause));
  }
  const excluded: Query | undefined =
    parsed.excluded.length > 0 ? { combineWith: 'OR', queries: parsed.excluded } : undefined;
  const tagSet = filters.tags?.map((t) => t.toLowerCase());
  const category = filters.category?.toLowerCase();
  const { sources } = filters;
  const accept =
    sources || category !== undefined || tagSet
      ? (record: DocumentRecord) =>
          (!sources || sources.has(record.source)) &&
          (category === undefined || record.category === category) &&
          (!tagSet || tagSet.every((tag) => record.tags.includes(tag)))
      : undefined;
  const phrases = parsed.phrases.map(phrasePattern);

  const run = (combineWith: 'AND' | 'OR', visit: (match: RawMatch) => void) => {
    const main: Query = clauses.length === 1 ? (clauses[0] as Query) : { combineWith, queries: clauses };
    const query: Query = excluded ? { combineWith: 'AND_NOT', queries: [main, excluded] } : main;
    index.query(
      query,
      { accept, boostTerm: (term) => weights.get(term) ?? 1, fieldBoost: FIELD_BOOST },
      visit,
    );
  };

  // Words of a phrase are highlighted only where the whole phrase occurs.
  const phraseOnly = new Set(parsed.phrases.flatMap((p) => p.terms));
  for (const term of weights.keys()) phraseOnly.delete(term);
  for (const clause of parsed.terms) phraseOnly.delete(clause.term);
  const titleKey = queryKey(parsed);
  let relaxed = false;
  const score = (match: RawMatch, record: VisibleRecord) => {
    // With AND every clause matched; relaxed, a document matching more clauses ranks higher.
    const matchedClauses =
      relaxed && match.terms.length > 1
        ? new Set(match.terms.map((t) => clauseOf.get(t))).size
        : clauses.length;
    return match.score * matchedClauses * (record.titleKey === titleKey ? EXACT_TITLE_BONUS : 1);
  };
  /** Runs AND, and if nothing matched (with several clauses) OR, marking the answer relaxed. */
  const each = (visit: (match: RawMatch) => void) => {
    let any = false;
    run('AND', (match) => {
      any = true;
      visit(match);
    });
    if (!any && clauses.length > 1) {
      relaxed = true;
      run('OR', visit);
    }
  };
  const hit = (match: RawMatch, record: VisibleRecord, value: number): Hit => {
    const terms = Object.keys(match.match);
    return {
      record,
      score: value,
      terms: phraseOnly.size > 0 ? terms.filter((t) => !phraseOnly.has(t)) : terms,
    };
  };

  if (phrases.length === 0) {
    // One pass keeping the best `limit`: no sort of thousands of matches.
    const best = new TopK<{ match: RawMatch; record: VisibleRecord }>(limit);
    let total = 0;
    each((match) => {
      const record = index.byId(match.id);
      if (!record) return;
      total++;
      best.offer(score(match, record), { match, record });
    });
    relaxed &&= total > 0;
    return {
      total,
      totalIsEstimate: false,
      hits: best.sorted().map(([value, { match, record }]) => hit(match, record, value)),
      relaxed,
      phrases,
    };
  }

  // Phrases: check candidates best first (checking reads the text); past a few
  // thousand candidates the total is extrapolated.
  const candidates: { match: RawMatch; record: VisibleRecord; value: number }[] = [];
  each((match) => {
    const record = index.byId(match.id);
    if (record) candidates.push({ match, record, value: score(match, record) });
  });
  relaxed &&= candidates.length > 0;
  candidates.sort((a, b) => b.value - a.value);
  const hits: Hit[] = [];
  let verified = 0;
  const checked = Math.min(candidates.length, PHRASE_CHECKS);
  for (const { match, record, value } of candidates.slice(0, checked)) {
    if (!parsed.phrases.every((phrase, i) => containsPhrase(record, phrase.words, phrases[i] as RegExp)))
      continue;
    verified++;
    if (hits.length < limit) hits.push(hit(match, record, value));
  }
  const estimated = candidates.length > checked;
  const total = estimated ? Math.round((verified / checked) * candidates.length) : verified;
  return { total, totalIsEstimate: estimated, hits, relaxed, phrases };
}

type VisibleRecord = ReturnType<DocumentIndex['byId']> & {};

/** The k highest-scored items seen, by insertion into a small sorted array (k ≤ 50). */
class TopK<T> {
  private readonly items: [number, T][] = [];
  constructor(private readonly k: number) {}
  offer(score: number, item: T): void {
    const items = this.items;
    if (items.length === this.k && score <= (items[items.length - 1] as [number, T])[0]) return;
    let i = items.length;
    while (i > 0 && (items[i - 1] as [number, T])[0] < score) i--;
    items.splice(i, 0, [score, item]);
    if (items.length > this.k) items.pop();
  }
  sorted(): [number, T][] {
    return this.items;
  }
}

/**
 * The clause's own term plus its prefix and typo expansions, with their weights. A
 * plain word also finds longer forms (cancel → cancelled) and, when the word itself is
 * rare or absent, close typos; `word*` and `word~` expand further.
 */
function expand(tree: TermTree, clause: TermClause): Map<string, number> {
  const { term, mode } = clause;
  const out = new Map<string, number>([[term, 1]]);
  const exact = tree.get(term);
  const suspect = !exact || countPostings(exact) <= TYPO_SUSPECT_MAX_POSTINGS;
  const prefix = mode === 'prefix' || (mode === 'auto' && term.length >= AUTO_PREFIX_MIN);
  const fuzzyDistance =
    mode === 'fuzzy'
      ? term.length <= 4
        ? 1
        : 2
      : mode === 'auto' && suspect && term.length >= AUTO_FUZZY_MIN
        ? term.length >= 9
          ? 2
          : 1
        : 0;
  const limits = mode === 'auto' ? IMPLICIT : EXPLICIT;
  const candidates: { term: string; weight: number; postings: number; distance: number }[] = [];
  if (prefix) {
    for (const [longer, postings] of tree.atPrefix(term)) {
      if (longer === term) continue;
      const distance = longer.length - term.length;
      candidates.push({
        term: longer,
        weight: (PREFIX_WEIGHT * longer.length) / (longer.length + 0.3 * distance),
        postings: countPostings(postings),
        distance: 0,
      });
    }
  }
  if (fuzzyDistance > 0) {
    for (const [near, [postings, distance]] of tree.fuzzyGet(term, fuzzyDistance)) {
      if (distance === 0 || near.startsWith(term)) continue;
      candidates.push({
        term: near,
        weight: (FUZZY_WEIGHT * near.length) / (near.length + distance),
        postings: countPostings(postings),
        distance,
      });
    }
  }
  // Closest typos first, then the words found in most documents.
  candidates.sort((a, b) => a.distance - b.distance || b.postings - a.postings);
  let budget = limits.postings;
  // `word*` and `word~` always get their best expansion; a plain word only within budget.
  const forced = mode === 'auto' ? 0 : 1;
  for (const candidate of candidates) {
    if (out.size > limits.maxTerms || (candidate.postings > budget && out.size > forced)) break;
    out.set(candidate.term, candidate.weight);
    budget -= candidate.postings;
  }
  return out;
}

/**
 * The `count` terms in fewest documents. A phrase is checked against the text anyway,
 * so its candidates need not contain every word: looking up only the rarest ones skips
 * the posting lists of its common words (most of a phrase query's cost).
 */
function rarest(tree: TermTree, terms: readonly string[], count: number): string[] {
  if (terms.length <= count) return [...terms];
  const sized = terms.map((term) => {
    const postings = tree.get(term);
    return { term, size: postings ? countPostings(postings) : 0 };
  });
  return sized
    .sort((a, b) => a.size - b.size)
    .slice(0, count)
    .map((t) => t.term);
}

function countPostings(postings: TermPostings): number {
  let most = 0;
  for (const docs of postings.values()) most = Math.max(most, docs.size);
  return most;
}

/** Used only if MiniSearch's internals change: its own prefix and fuzzy search (uncapped). */
function nativeClause(clause: TermClause): Query {
  const { term, mode } = clause;
  return {
    combineWith: 'OR',
    queries: [term],
    prefix: mode === 'prefix' || (mode === 'auto' && term.length >= AUTO_PREFIX_MIN),
    fuzzy: mode === 'fuzzy' ? 2 : mode === 'auto' && term.length >= AUTO_FUZZY_MIN ? 1 : false,
  };
}

function containsPhrase(record: VisibleRecord, words: readonly string[], pattern: RegExp): boolean {
  for (const field of [record.title, record.headings, record.text]) {
    pattern.lastIndex = 0;
    if (pattern.test(field)) return true;
  }
  // The pattern compares letters case-insensitively but not accents (café vs cafe):
  // compare normalized words when the document has any non-ASCII text.
  record.asciiOnly ??= isAscii(record.title) && isAscii(record.headings) && isAscii(record.text);
  if (record.asciiOnly) return false;
  return [record.title, record.headings, record.text].some((field) => findPhrase(field, words) >= 0);
}

/** Offset of the first occurrence of `words` as consecutive normalized words, or -1. */
export function findPhrase(text: string, words: readonly string[]): number {
  const tokens = tokenize(text);
  outer: for (let i = 0; i + words.length <= tokens.length; i++) {
    for (let j = 0; j < words.length; j++) if (tokens[i + j]?.term !== words[j]) continue outer;
    return tokens[i]?.start ?? -1;
  }
  return -1;
}
