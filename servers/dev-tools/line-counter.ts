import type { CommentSyntax } from './comment-syntax.js';
import { LINE_COUNTER_WASM } from './line-counter-wasm.js';
import { snippet, TODO_MARKERS, type TodoHit } from './todo-finder.js';

/**
 * Counts code, comment and blank lines the way cloc and tokei do: a line with any code
 * is code; a line with only comment text (and whitespace) is a comment; a line with only
 * whitespace is blank, also inside block comments and multi-line strings. Comment markers
 * inside string literals are not comments. Works on chunks of bytes so big files are
 * streamed; all markers are ASCII, so UTF-8 text needs no decoding.
 *
 * The byte loop is line-counter.wat (WebAssembly, ~1 ns per byte where the same state
 * machine in JavaScript took ~3 ns and was the scan's bottleneck). This module compiles
 * each syntax into tables in the module's memory and moves state in and out per chunk.
 */

enum Kind {
  Line = 0,
  Block = 1,
  String = 2,
  /** A string whose text counts as comment. */
  DocString = 3,
}

/** Where a token may open. */
enum Where {
  Anywhere = 0,
  /** As the first non-blank thing on a line. */
  LineStart = 1,
  Column1 = 2,
}

/** What must follow an opener. */
enum After {
  Anything = 0,
  /** No letter, digit or underscore (`rem` is not `remove`). */
  NonWord = 1,
  Letter = 2,
}

// Memory layout shared with line-counter.wat.
const STATE = 0;
const SYNTAX_START = 1024;
/** File bytes must be here (see `dataBuffer`). */
const DATA_ADDRESS = 1024 * 1024;
export const DATA_BYTES = 256 * 1024;
const HITS_ADDRESS = DATA_ADDRESS + DATA_BYTES;
const MARKER_TABLE = 512;
const TOKEN_BYTES = 320;
const TOKENS_OFFSET = 1024;
const MAX_TOKENS = 32;
/** Candidate slots (a case-insensitive marker takes two). */
const MAX_REFS = 64;
const MAX_MARKER = 16;
const NEWLINE = 10;
const HASH = 0x23;
const BANG = 0x21;

/** The part of the WebAssembly API we use (the project's lib settings do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
const instance = new Instance(new Module(Buffer.from(LINE_COUNTER_WASM, 'base64')));
const memory = instance.exports.memory as { buffer: ArrayBuffer };
const wasmFeed = instance.exports.feed as (
  i: number,
  limit: number,
  end: number,
  base: number,
  syntax: number,
) => number;
const bytesView = new Uint8Array(memory.buffer);
const words = new Int32Array(memory.buffer);
for (const marker of TODO_MARKERS) bytesView[MARKER_TABLE + marker.charCodeAt(0)] = 1;
/** TODO markers kept per file. */
export const MAX_TODOS = 50;

/**
 * The buffer the counter reads: put file bytes here (at most DATA_BYTES). One per
 * thread, shared by every counter: counting is synchronous, so they never interleave.
 */
export const dataBuffer: Buffer = Buffer.from(memory.buffer, DATA_ADDRESS, DATA_BYTES);

export interface CompiledSyntax {
  /** Where the syntax's tables live in the WebAssembly memory. */
  readonly address: number;
  /** The longest marker, so a chunk keeps enough tail to match one across the boundary. */
  readonly maxTokenLength: number;
  readonly shebangIsCode: boolean;
}

interface Token {
  kind: Kind;
  open: string;
  /** Empty: never closes (Perl's __END__ runs to the end of the file). */
  close: string;
  escape?: string;
  multiline?: boolean;
  where?: Where;
  caseInsensitive?: boolean;
  after?: After;
  nested?: boolean;
  /** The closer counts only in column 1, and the rest of its line is comment. */
  closeAtColumn1?: boolean;
}

/** Perl's POD: `=` and a letter in column 1 (=head1, =pod, =over...) up to a line starting with =cut. */
const POD: Token = {
  kind: Kind.Block,
  open: '=',
  close: '=cut',
  where: Where.Column1,
  after: After.Letter,
  closeAtColumn1: true,
};

const compiled = new WeakMap<CommentSyntax, CompiledSyntax>();
const EMPTY_SYNTAX: CommentSyntax = {};
let nextSyntaxAddress = SYNTAX_START;

export function compileSyntax(syntax: CommentSyntax = EMPTY_SYNTAX): CompiledSyntax {
  const cached = compiled.get(syntax);
  if (cached) return cached;
  const lineStart = (open: string): Token => ({
    kind: Kind.Line,
    open,
    close: '',
    where: Where.LineStart,
    caseInsensitive: true,
    after: /\w$/.test(open) ? After.NonWord : After.Anything,
  });
  const tokens: Token[] = [
    ...(syntax.line ?? []).map((open) => ({ kind: Kind.Line, open, close: '' })),
    ...(syntax.lineStart ?? []).map(lineStart),
    ...(syntax.column1 ?? []).map((open) => ({
      kind: Kind.Line,
      open,
      close: '',
      where: Where.Column1,
      caseInsensitive: true,
    })),
    ...(syntax.block ?? []).map(([open, close]) => ({ kind: Kind.Block, open, close })),
    ...(syntax.nestedBlock ?? []).map(([open, close]) => ({ kind: Kind.Block, open, close, nested: true })),
    ...(syntax.blockAtLineStart ?? []).map(([open, close]) => ({
      kind: Kind.Block,
      open,
      close,
      where: Where.LineStart,
    })),
    ...(syntax.blockAtColumn1 ?? []).map(([open, close]) => ({
      kind: Kind.Block,
      open,
      close,
      where: Where.Column1,
      closeAtColumn1: true,
    })),
    ...(syntax.pod ? [POD] : []),
    ...(syntax.docStrings ?? []).map((s) => ({
      kind: Kind.DocString,
      open: s,
      close: s,
      escape: '\\',
      multiline: true,
    })),
    ...(syntax.strings ?? []).map((s) => ({
      kind: Kind.String,
      open: s.open,
      close: s.close,
      escape: s.escape,
      multiline: s.multiline,
    })),
  ];
  if (tokens.length > MAX_TOKENS)
    throw new Error(`comment syntax has ${tokens.length} markers (at most ${MAX_TOKENS})`);
  const size = TOKENS_OFFSET + tokens.length * TOKEN_BYTES;
  if (nextSyntaxAddress + size > DATA_ADDRESS) throw new Error('no room left for another comment syntax');
  const at = nextSyntaxAddress;
  nextSyntaxAddress += size;
  bytesView.fill(0, at, at + size);

  // Candidates per first byte, longest first, so `--[[` wins over `--` and `"""` over `"`.
  const byFirst = new Map<number, number[]>();
  tokens.forEach((token, index) => {
    const caseInsensitive = token.caseInsensitive ?? false;
    const open = caseInsensitive ? token.open.toLowerCase() : token.open;
    if (open.length === 0 || open.length > MAX_MARKER || token.close.length > MAX_MARKER) {
      throw new Error(`comment marker ${JSON.stringify(token.open)} must have 1 to ${MAX_MARKER} characters`);
    }
    const t = at + TOKENS_OFFSET + index * TOKEN_BYTES;
    bytesView[t] = token.kind;
    bytesView[t + 1] = open.length;
    bytesView[t + 2] = token.close.length;
    bytesView[t + 3] = token.escape ? token.escape.charCodeAt(0) : 0;
    bytesView[t + 4] = token.multiline || token.kind === Kind.Block ? 1 : 0;
    bytesView[t + 5] = caseInsensitive ? 1 : 0;
    bytesView[t + 6] = token.after ?? After.Anything;
    bytesView[t + 7] = token.where ?? Where.Anywhere;
    bytesView.set(Buffer.from(open, 'latin1'), t + 8);
    bytesView.set(Buffer.from(token.close, 'latin1'), t + 24);
    bytesView[t + 40] = token.nested ? 1 : 0;
    bytesView[t + 41] = token.closeAtColumn1 ? 1 : 0;
    // Bytes that matter inside this token: newline, the closer's first byte, the escape, a nested opener.
    const stop = t + 64;
    bytesView[stop + NEWLINE] = 1;
    if (token.close) bytesView[stop + token.close.charCodeAt(0)] = 1;
    if (token.escape) bytesView[stop + token.escape.charCodeAt(0)] = 1;
    if (token.nested) bytesView[stop + open.charCodeAt(0)] = 1;
    // Inside comments, the markers' first bytes matter too (the TODO finder).
    if (token.kind === Kind.Block || token.kind === Kind.DocString) {
      for (const marker of TODO_MARKERS) bytesView[stop + marker.charCodeAt(0)] = 1;
    }
    const first = open.charCodeAt(0);
    const firsts = caseInsensitive ? new Set([first, open.toUpperCase().charCodeAt(0)]) : [first];
    for (const b of firsts) byFirst.set(b, [...(byFirst.get(b) ?? []), index]);
  });
  // Normal state: newline and every marker's first byte stop the fast loop.
  bytesView[at + NEWLINE] = 1;
  let ref = 0;
  for (const [first, list] of byFirst) {
    list.sort((a, b) => (tokens[b] as Token).open.length - (tokens[a] as Token).open.length || a - b);
    bytesView[at + first] = 1;
    bytesView[at + 256 + first] = ref;
    bytesView[at + 512 + first] = list.length;
    if (ref + list.length > MAX_REFS) throw new Error('comment syntax has too many markers');
    for (const index of list) bytesView[at + 768 + ref++] = index;
  }
  const result: CompiledSyntax = {
    address: at,
    shebangIsCode: syntax.shebangIsCode ?? false,
    // An opener with a condition on the next byte needs that byte in the same chunk.
    maxTokenLength: Math.max(
      1,
      ...tokens.flatMap((t) => [t.open.length + (t.after ? 1 : 0), t.close.length]),
    ),
  };
  compiled.set(syntax, result);
  return result;
}

export interface LineCounts {
  code: number;
  comment: number;
  blank: number;
}

/** The state block's i32 fields, in line-counter.wat's order. */
enum Field {
  State = 0,
  Token = 1,
  Depth = 2,
  HasCode = 3,
  HasComment = 4,
  DocAsComment = 5,
  Code = 6,
  Comment = 7,
  Blank = 8,
  Newlines = 9,
  LineStart = 10,
  Unused = 11,
  HitCount = 12,
}
const FIELDS = 13;

export class LineCounter implements LineCounts {
  /** TODO/FIXME/HACK markers found in comments (the first MAX_TODOS). */
  readonly todos: TodoHit[] = [];
  /** Bytes consumed so far. */
  position = 0;
  /** Saved state block (the WebAssembly memory is shared by all counters of the thread). */
  private readonly saved = new Int32Array(FIELDS);

  constructor(private readonly syntax: CompiledSyntax) {}

  get code(): number {
    return this.saved[Field.Code] as number;
  }
  get comment(): number {
    return this.saved[Field.Comment] as number;
  }
  get blank(): number {
    return this.saved[Field.Blank] as number;
  }
  /** Newlines seen so far (a last line without newline is counted by `finish`). */
  get newlines(): number {
    return this.saved[Field.Newlines] as number;
  }

  /**
   * Consumes `buf[start, end)`, where `buf` is a view of `dataBuffer`. Unless `final`,
   * leaves a tail shorter than the longest marker unconsumed (a marker may continue in
   * the next chunk) and returns the offset where it stopped; the caller passes those
   * bytes again with the next chunk.
   */
  feed(buf: Uint8Array, start: number, end: number, final: boolean): number {
    if (buf.buffer !== memory.buffer) throw new Error('LineCounter reads file bytes from dataBuffer only');
    const address = buf.byteOffset;
    const saved = this.saved;
    // cloc counts a first line starting with #! as code in its script languages.
    if (this.syntax.shebangIsCode && this.position === 0 && start < end && buf[start] === HASH) {
      if (end - start < 2 && !final) return start;
      if (buf[start + 1] === BANG) saved[Field.HasCode] = 1;
    }
    const limit = final ? end : Math.max(start, end - (this.syntax.maxTokenLength - 1));
    words.set(saved, STATE);
    // base + address = file offset
    const base = this.position - (address + start);
    const stoppedAt = wasmFeed(address + start, address + limit, address + end, base, this.syntax.address);
    saved.set(words.subarray(STATE, STATE + FIELDS));
    const hits = Math.min(words[Field.HitCount] as number, MAX_TODOS - this.todos.length);
    for (let k = 0; k < hits; k++) {
      const w = HITS_ADDRESS / 4 + k * 3;
      const at = (words[w] as number) - base - address; // offset in buf
      const marker = TODO_MARKERS[words[w + 1] as number] as TodoHit['marker'];
      this.todos.push({ marker, line: words[w + 2] as number, text: snippet(buf as Buffer, at, end) });
    }
    this.position = base + stoppedAt;
    return stoppedAt - address;
  }

  /** Counts the last line when the input does not end with a newline; returns the totals. */
  finish(): LineCounts {
    const s = this.saved;
    if (this.position > (s[Field.LineStart] as number)) {
      const field = s[Field.HasCode] ? Field.Code : s[Field.HasComment] ? Field.Comment : Field.Blank;
      s[field] = (s[field] as number) + 1;
      s[Field.LineStart] = this.position;
    }
    return { code: this.code, comment: this.comment, blank: this.blank };
  }

  /** Total lines, a last line without newline included (valid after `finish`). */
  get lines(): number {
    return this.code + this.comment + this.blank;
  }
}

/** Counts a whole in-memory text (tests, small inputs), streamed through `dataBuffer`. */
export function countLines(text: string | Uint8Array, syntax?: CommentSyntax): LineCounts {
  const input = typeof text === 'string' ? Buffer.from(text) : text;
  const counter = new LineCounter(compileSyntax(syntax));
  let have = 0;
  let offset = 0;
  for (;;) {
    const n = Math.min(DATA_BYTES - have, input.length - offset);
    dataBuffer.set(input.subarray(offset, offset + n), have);
    offset += n;
    have += n;
    const final = offset >= input.length;
    const consumed = counter.feed(dataBuffer, 0, have, final);
    if (final) break;
    dataBuffer.copyWithin(0, consumed, have);
    have -= consumed;
  }
  return counter.finish();
}
