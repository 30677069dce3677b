/**
 * TODO, FIXME and HACK markers inside comments. The line counter's state machine finds
 * them (it knows where comments are, so markers in strings and code do not count); this
 * module names them and cuts the note's text from the line.
 */

export const TODO_MARKERS = ['TODO', 'FIXME', 'HACK'] as const;
export type TodoMarker = (typeof TODO_MARKERS)[number];

export interface TodoHit {
  marker: TodoMarker;
  /** 1-based line number. */
  line: number;
  /** The comment text from the marker to the end of the line, shortened. */
  text: string;
}

const SNIPPET_LENGTH = 120;

/** The note that starts at `buf[at]`, up to the end of its line (or `end`). */
export function snippet(buf: Buffer, at: number, end: number): string {
  let stop = buf.indexOf(10, at);
  if (stop === -1 || stop > end) stop = end;
  const text = buf.toString('utf8', at, Math.min(stop, at + SNIPPET_LENGTH * 2)).trim();
  // Drop a trailing block-comment closer so the snippet reads as the note itself.
  const cleaned = text.replace(/\s*(\*\/|-->|-\}|\*\))\s*$/, '');
  return cleaned.length > SNIPPET_LENGTH ? `${cleaned.slice(0, SNIPPET_LENGTH - 1)}…` : cleaned;
}
