import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { commentSyntaxOf } from './comment-syntax.js';
import { describeReadError } from './fs-errors.js';
import { type GeneratedReason, generatedByName, hasGeneratedBanner, looksMinified } from './generated.js';
import { languageForFileName, languageForShebang } from './languages.js';
import { compileSyntax, DATA_BYTES, dataBuffer, LineCounter } from './line-counter.js';
import type { TodoHit } from './todo-finder.js';

/**
 * Reads one file and measures it: binary or text, language, code/comment/blank lines,
 * generated or minified, TODO markers in comments. Synchronous on purpose: it runs in
 * worker threads, where blocking reads avoid the libuv pool's per-call overhead.
 */

export interface FileJob {
  /** Absolute path to open. */
  path: string;
  /** Path relative to the scanned folder, for the report. */
  rel: string;
  /** File name that decides the language (a followed symlink keeps its own name). */
  name: string;
}

export interface FileResult {
  rel: string;
  bytes: number;
  kind: 'counted' | 'binary' | 'unrecognized' | 'error';
  language?: string;
  /** False when the language's comment syntax is unknown: every non-blank line is code. */
  commentSyntax?: boolean;
  code: number;
  comment: number;
  blank: number;
  generated?: GeneratedReason;
  todos?: TodoHit[];
  error?: { code: string; message: string };
}

/** Bytes read at once; big files are streamed through the counter's buffer. */
const CHUNK = DATA_BYTES;
/** Like git and cloc: a NUL byte in the first 8000 bytes means binary; no more is read. */
export const SNIFF = 8000;
const BANNER_BYTES = 1000;

export class FileAnalyzer {
  /** File bytes are read straight into the memory the line counter scans. */
  private readonly buf = dataBuffer;

  analyze(job: FileJob): FileResult {
    let fd: number | undefined;
    try {
      fd = openSync(job.path, 'r');
      return this.measure(fd, job);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return {
        ...empty(job.rel, 0, 'error'),
        error: { code: e.code ?? 'EIO', message: describeReadError(e) },
      };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private measure(fd: number, job: FileJob): FileResult {
    const { buf } = this;
    const size = fstatSync(fd).size;
    const byName = languageForFileName(job.name);
    let generated = generatedByName(job.name);
    // Files of unknown type are only sniffed: enough for the binary test and a shebang.
    let have = readUpTo(fd, buf, 0, byName ? CHUNK : SNIFF, size);
    if (buf.subarray(0, Math.min(have, SNIFF)).includes(0))
      return { ...empty(job.rel, size, 'binary'), generated };
    const language =
      byName ?? (buf[0] === 0x23 && buf[1] === 0x21 ? languageForShebang(firstLine(buf, have)) : undefined);
    if (!language) return { ...empty(job.rel, size, 'unrecognized'), generated };
    if (!byName && have < size) have += readUpTo(fd, buf, have, CHUNK - have, size - have);
    if (!generated && hasGeneratedBanner(buf.toString('latin1', 0, Math.min(have, BANNER_BYTES)))) {
      generated = 'generated banner';
    }

    const syntax = commentSyntaxOf(language.name);
    const counter = new LineCounter(compileSyntax(syntax));
    let read = have;
    for (;;) {
      const final = read >= size || have < CHUNK;
      const consumed = counter.feed(buf, 0, have, final);
      if (final) break;
      // Carry the unconsumed tail (a marker may be cut in two) to the front.
      buf.copyWithin(0, consumed, have);
      const carry = have - consumed;
      const more = readUpTo(fd, buf, carry, CHUNK - carry, size - read);
      read += more;
      have = carry + more;
      if (more === 0) {
        counter.feed(buf, 0, have, true);
        break;
      }
    }
    const counts = counter.finish();
    if (!generated && looksMinified(language.name, size, counter.lines)) generated = 'minified';
    return {
      rel: job.rel,
      bytes: size,
      kind: 'counted',
      language: language.name,
      commentSyntax: syntax !== undefined,
      ...counts,
      generated,
      todos: counter.todos.length > 0 ? counter.todos : undefined,
    };
  }
}

/** Reads until `want` bytes, the expected `remaining` size, or end of file; returns the bytes read. */
function readUpTo(fd: number, buf: Buffer, at: number, want: number, remaining: number): number {
  let got = 0;
  // A file may have grown since fstat, so read one more time when the size says we are done.
  const target = Math.min(want, Math.max(remaining, 1));
  while (got < target) {
    const n = readSync(fd, buf, at + got, want - got, null);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function firstLine(buf: Buffer, have: number): string {
  const nl = buf.indexOf(10);
  return buf.toString('latin1', 0, nl === -1 || nl > have ? Math.min(have, 200) : nl);
}

function empty(rel: string, bytes: number, kind: FileResult['kind']): FileResult {
  return { rel, bytes, kind, code: 0, comment: 0, blank: 0 };
}
