/**
 * A search snippet cut from a Markdown document, as text without the Markdown syntax
 * (`## Cancel`, `` `tasks/get` ``, `**bold**`, `[link](url)`), with its highlighted ranges
 * moved to match. The server keeps the document's text as written (its offsets point into it);
 * only the view drops the marks.
 */
export interface Range {
  start: number;
  end: number;
}

/** What to drop: the syntax around the words, never the words. */
const MARKS: readonly RegExp[] = [
  // Heading markers, where a line began (whitespace is collapsed in snippets, so a block
  // quote's `>` cannot be told from a comparison: it stays).
  /(?<=^|\s|…)#{1,6}\s/g,
  // Inline code fences and emphasis stars.
  /`+/g,
  /\*{1,3}(?=\S)|(?<=\S)\*{1,3}/g,
  // A link's or image's brackets and target: [text](url) → text.
  /!?\[(?=[^\]]*\]\([^)\s]*\))/g,
  /\]\([^)\s]*\)/g,
];

export function plainSnippet(
  text: string,
  highlights: readonly Range[],
): { text: string; highlights: Range[] } {
  const drop = new Uint8Array(text.length);
  for (const mark of MARKS) {
    for (const match of text.matchAll(mark)) drop.fill(1, match.index, match.index + match[0].length);
  }
  // position in `text` → position in the result, for every boundary including the end.
  const at = new Int32Array(text.length + 1);
  let kept = '';
  for (let i = 0; i < text.length; i++) {
    at[i] = kept.length;
    if (!drop[i]) kept += text[i] === '|' ? ' ' : text[i];
  }
  at[text.length] = kept.length;
  const moved = highlights
    .filter((range) => range.start >= 0 && range.end <= text.length && range.end > range.start)
    .map((range) => ({ start: at[range.start] as number, end: at[range.end] as number }))
    .filter((range) => range.end > range.start);
  return { text: kept, highlights: moved };
}
