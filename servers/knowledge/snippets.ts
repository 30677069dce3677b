import { tokenize } from './tokenize.js';

/** A highlighted range: `text.slice(start, end)` is what matched. */
export interface Highlight {
  start: number;
  end: number;
}

export interface Snippet {
  /** Whitespace collapsed; starts/ends with … when cut. */
  text: string;
  highlights: Highlight[];
  /** Where the snippet starts in the document text (get_document returns that text). */
  offset: number;
}

export const SNIPPET_LENGTH = 200;
/** Matches are looked for in this much text: enough for any real snippet, bounded for huge files. */
const SCAN_LIMIT = 200_000;
const CHUNK = 8_192;

interface Match extends Highlight {
  term: string;
}

/**
 * Ranges of `text` that matched: words (or camelCase parts) whose normalized form is
 * one of `terms`, and whole phrase occurrences. Scans `CHUNK` characters at a time and
 * stops early once every wanted term or phrase has been seen (a long document's best
 * passage is rarely far from its first full set of matches).
 */
export function findMatches(
  text: string,
  terms: ReadonlySet<string>,
  phrases: readonly RegExp[] = [],
  limit = SCAN_LIMIT,
): Match[] {
  const matches: Match[] = [];
  const wanted = terms.size + phrases.length;
  const seen = new Set<string>();
  let from = 0;
  while (from < Math.min(text.length, limit)) {
    // Cut at a space so no word is split between chunks.
    let to = Math.min(text.length, limit, from + CHUNK);
    if (to < text.length) {
      const space = text.lastIndexOf(' ', to);
      if (space > from) to = space;
    }
    const chunk = text.slice(from, to);
    const add = (start: number, end: number, term: string) => {
      matches.push({ start: from + start, end: from + end, term });
      seen.add(term);
    };
    for (const token of tokenize(chunk)) {
      if (terms.has(token.term)) add(token.start, token.end, token.term);
      else if (token.parts)
        for (const part of token.parts) if (terms.has(part.term)) add(part.start, part.end, part.term);
    }
    for (const [i, pattern] of phrases.entries()) {
      pattern.lastIndex = 0;
      for (const m of chunk.matchAll(pattern)) add(m.index, m.index + m[0].length, `"${i}`);
    }
    if (seen.size >= wanted) break;
    from = to;
  }
  return mergeOverlaps(matches);
}

function mergeOverlaps(matches: Match[]): Match[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Match[] = [];
  for (const match of matches) {
    const last = out[out.length - 1];
    if (last && match.start < last.end) {
      // A phrase covering its own words: keep the longer range, remember the phrase.
      if (match.end > last.end) last.end = match.end;
      if (match.term.startsWith('"')) last.term = match.term;
    } else out.push({ ...match });
  }
  return out;
}

/**
 * The passage of about `length` characters with the most distinct matched terms
 * (then the most matches), cut at word boundaries, with highlight ranges relative
 * to the snippet text.
 */
export function makeSnippet(
  text: string,
  terms: ReadonlySet<string>,
  phrases: readonly RegExp[] = [],
  length = SNIPPET_LENGTH,
): Snippet {
  const matches = findMatches(text, terms, phrases);
  let best = { from: 0, to: -1, distinct: 0, count: 0 };
  for (let from = 0, to = 0; from < matches.length; from++) {
    const first = matches[from] as Match;
    to = Math.max(to, from);
    while (to + 1 < matches.length && (matches[to + 1] as Match).end - first.start <= length) to++;
    const window = matches.slice(from, to + 1);
    const distinct = new Set(window.map((m) => m.term)).size;
    if (distinct > best.distinct || (distinct === best.distinct && window.length > best.count)) {
      best = { from, to, distinct, count: window.length };
    }
  }
  let start = 0;
  if (best.to >= 0) {
    const first = matches[best.from] as Match;
    const last = matches[best.to] as Match;
    // Centre the matches in the window, then back up to the start of a word.
    start = Math.max(0, first.start - Math.floor((length - (last.end - first.start)) / 2));
    start = wordStart(text, start, first.start);
  }
  let end = Math.min(text.length, start + length);
  end = wordEnd(text, end, start);
  const inside = best.to >= 0 ? matches.filter((m) => m.start >= start && m.end <= end) : [];
  return { ...collapse(text, start, end, inside), offset: start };
}

/** Highlight ranges in a short text (a title), no snippet cut. */
export function highlightAll(
  text: string,
  terms: ReadonlySet<string>,
  phrases: readonly RegExp[] = [],
): Highlight[] {
  return findMatches(text, terms, phrases).map(({ start, end }) => ({ start, end }));
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function wordStart(text: string, at: number, limit: number): number {
  let i = at;
  while (i > 0 && i < limit && isWordChar(text[i - 1]) && isWordChar(text[i])) i++;
  return i;
}

function wordEnd(text: string, at: number, floor: number): number {
  let i = at;
  while (i > floor + 1 && i < text.length && isWordChar(text[i - 1]) && isWordChar(text[i])) i--;
  return i;
}

/** Cuts text[start, end), collapses whitespace, adds ellipses, and moves the highlights along. */
function collapse(
  text: string,
  start: number,
  end: number,
  matches: readonly Highlight[],
): Omit<Snippet, 'offset'> {
  const map = new Array<number>(end - start + 1);
  let out = start > 0 ? '…' : '';
  let space = false;
  for (let i = start; i < end; i++) {
    const ch = text[i] as string;
    map[i - start] = out.length;
    if (/\s/.test(ch)) {
      if (!space && out.length > (start > 0 ? 1 : 0)) out += ' ';
      space = true;
    } else {
      out += ch;
      space = false;
    }
  }
  map[end - start] = out.length;
  const trimmed = out.trimEnd();
  const highlights = matches.map((m) => ({
    start: map[m.start - start] as number,
    end: Math.min(trimmed.length, map[m.end - start] as number),
  }));
  return {
    text: end < text.length ? `${trimmed}…` : trimmed,
    highlights: highlights.filter((h) => h.end > h.start),
  };
}
