/**
 * One tokenizer for indexing, querying, snippets and phrase checks, so that a word is
 * cut and normalized the same way everywhere (a highlight always lands on the text
 * that matched).
 */

export interface Token {
  /** Normalized form: lower case, accents removed. */
  term: string;
  start: number;
  end: number;
  /** Parts of a camelCase / PascalCase / letters-digits word (`registerToolTask` → register, tool, task). */
  parts?: Token[];
}

const WORD = /[\p{L}\p{N}]+/gu;
/** Splits inside a word: lower→Upper, UPPER→Upper+lower (HTTPServer), letter↔digit. */
const PART = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;
const MAX_TERM_LENGTH = 64;

/** Common English words carry no meaning for search; a query of only these is refused. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for from has have he her his i if in into is it its ' +
    'me my no not of on or our she so such that the their them then there these they ' +
    'this to was we were what when where which who will with you your'
  ).split(' '),
);

export function normalize(word: string): string {
  const lower = word.toLowerCase();
  return isAscii(lower) ? lower : lower.normalize('NFD').replace(/\p{M}+/gu, '');
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * True when an ASCII word is plain (all lower case, or Capitalized, no digits next to
 * letters): the common case, decided without a regex. Non-ASCII words answer false
 * and take the regex path.
 */
function isPlainAscii(word: string): boolean {
  let digits = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) continue; // a-z
    if (c >= 65 && c <= 90 && i === 0) continue; // A-Z, leading only
    if (c >= 48 && c <= 57) {
      digits++;
      continue;
    }
    return false;
  }
  return digits === 0 || digits === word.length;
}

/** Every word of `text` with its offsets; words with inner case changes also carry their parts. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const start = match.index;
    if (word.length > MAX_TERM_LENGTH) continue; // hashes, base64: noise, and they bloat the index
    const token: Token = { term: normalize(word), start, end: start + word.length };
    const parts = isPlainAscii(word) ? undefined : splitParts(word, start);
    if (parts) token.parts = parts;
    tokens.push(token);
  }
  return tokens;
}

function splitParts(word: string, offset: number): Token[] | undefined {
  // Most words are all-lower or Capitalized: no parts, no regex run.
  if (!/\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u.test(word)) return undefined;
  const parts: Token[] = [];
  for (const match of word.matchAll(PART)) {
    parts.push({
      term: normalize(match[0]),
      start: offset + match.index,
      end: offset + match.index + match[0].length,
    });
  }
  return parts.length > 1 ? parts : undefined;
}

/** The terms a field contributes to the index: words and their parts, stop words dropped. */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    if (!STOP_WORDS.has(token.term)) terms.push(token.term);
    if (token.parts) for (const part of token.parts) if (!STOP_WORDS.has(part.term)) terms.push(part.term);
  }
  return terms;
}

/** Whole words of `text` without stop words, as an order-free key (exact title matches). */
export function wordKey(text: string): string {
  return termKey(tokenize(text).map((t) => t.term));
}

export function termKey(terms: readonly string[]): string {
  return [...new Set(terms.filter((t) => !STOP_WORDS.has(t)))].sort().join(' ');
}
