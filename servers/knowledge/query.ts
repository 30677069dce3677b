import { STOP_WORDS, termKey, tokenize } from './tokenize.js';

/**
 * The query language, kept small enough to explain in one line of a tool description:
 *   words            all must match (a word also matches longer words and close typos)
 *   "exact phrase"   the words in this order
 *   word*            words starting with `word`
 *   word~            words within one or two typos of `word`
 *   -word            leave out documents with this word
 */
export const QUERY_SYNTAX =
  'Words must all match (each also finds longer forms and small typos); "exact phrase"; word* for a prefix; word~ for fuzzy; -word to exclude.';

export type TermMode = 'auto' | 'prefix' | 'fuzzy';

export interface TermClause {
  /** Normalized, as in the index. */
  term: string;
  mode: TermMode;
}

export interface PhraseClause {
  /** Every word in order, stop words included (they must be there too). */
  words: string[];
  /** The words the index can look up (stop words are not indexed). */
  terms: string[];
  /** As typed, for messages. */
  text: string;
}

export interface ParsedQuery {
  terms: TermClause[];
  phrases: PhraseClause[];
  excluded: string[];
  /** Common words left out of the search, for the answer's explanation. */
  ignored: string[];
}

export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_WORDS = 32;
const MIN_PREFIX = 2;
const MIN_FUZZY = 3;

/** A query the server cannot run; the message tells the user how to fix it. */
export class QueryError extends Error {
  override name = 'QueryError';
}

const CHUNK = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;

export function parseQuery(input: string): ParsedQuery {
  const query = input.trim();
  if (query.length === 0) throw new QueryError('The query is empty: type one or more words to search for.');
  if (query.length > MAX_QUERY_LENGTH) {
    throw new QueryError(
      `The query is too long (${query.length} characters; at most ${MAX_QUERY_LENGTH}). Search for a few distinctive words instead.`,
    );
  }
  const parsed: ParsedQuery = { terms: [], phrases: [], excluded: [], ignored: [] };
  let words = 0;
  for (const match of query.matchAll(CHUNK)) {
    const negated = (match[1] || match[3]) === '-';
    const quoted = match[2];
    const chunk = quoted ?? match[4] ?? '';
    if (quoted !== undefined) {
      if (negated)
        throw new QueryError(
          `Excluding a phrase is not supported (-"${quoted}"); exclude single words with -word.`,
        );
      words += addPhrase(parsed, quoted);
      continue;
    }
    const modifier = /[*~]$/.exec(chunk)?.[0];
    const body = modifier ? chunk.slice(0, -1) : chunk;
    const tokens = tokenize(body).map((t) => t.term);
    words += tokens.length;
    if (tokens.length === 0) continue; // punctuation only
    if (negated) {
      parsed.excluded.push(...tokens.filter((t) => !STOP_WORDS.has(t)));
    } else if (tokens.length > 1) {
      // `state-of-the-art`, `foo.bar`: the parts belong together.
      addPhrase(parsed, body);
    } else {
      addTerm(parsed, tokens[0] as string, modifier, chunk);
    }
  }
  if (words > MAX_QUERY_WORDS) {
    throw new QueryError(
      `The query has too many words (${words}; at most ${MAX_QUERY_WORDS}). Keep the distinctive ones.`,
    );
  }
  if (parsed.terms.length === 0 && parsed.phrases.length === 0) {
    if (parsed.excluded.length > 0) {
      throw new QueryError('The query only excludes words (-word): add at least one word to look for.');
    }
    if (parsed.ignored.length > 0) {
      throw new QueryError(
        `The query has only common words (${[...new Set(parsed.ignored)].join(', ')}), which are not indexed. Add a more specific word.`,
      );
    }
    throw new QueryError('The query has no letters or digits to search for.');
  }
  return parsed;
}

function addTerm(parsed: ParsedQuery, term: string, modifier: string | undefined, typed: string): void {
  if (modifier === '*' && term.length < MIN_PREFIX) {
    throw new QueryError(`A prefix needs at least ${MIN_PREFIX} letters (${typed}).`);
  }
  if (modifier === '~' && term.length < MIN_FUZZY) {
    throw new QueryError(`Fuzzy matching needs at least ${MIN_FUZZY} letters (${typed}).`);
  }
  if (STOP_WORDS.has(term) && modifier !== '*') {
    parsed.ignored.push(term);
    return;
  }
  parsed.terms.push({ term, mode: modifier === '*' ? 'prefix' : modifier === '~' ? 'fuzzy' : 'auto' });
}

function addPhrase(parsed: ParsedQuery, text: string): number {
  const words = tokenize(text).map((t) => t.term);
  if (words.length === 0) return 0;
  const terms = words.filter((w) => !STOP_WORDS.has(w));
  if (terms.length === 0) {
    throw new QueryError(
      `The phrase "${text}" has only common words, which are not indexed. Add a more specific word.`,
    );
  }
  if (words.length === 1) parsed.terms.push({ term: words[0] as string, mode: 'auto' });
  else parsed.phrases.push({ words, terms, text: text.trim() });
  return words.length;
}

/** Finds a phrase in text: its words in order, separated only by non-word characters. */
export function phrasePattern(phrase: PhraseClause): RegExp {
  const word = (w: string) => escapeRegExp(w);
  const body = phrase.words.map(word).join('[^\\p{L}\\p{N}]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The query's words as a title key would be ({@link termKey}), to spot an exact title match. */
export function queryKey(parsed: ParsedQuery): string {
  return termKey([...parsed.phrases.flatMap((p) => p.terms), ...parsed.terms.map((t) => t.term)]);
}
