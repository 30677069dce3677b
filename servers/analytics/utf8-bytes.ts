/**
 * Values as UTF-8 bytes, so that the profiler counts, compares and keeps them without
 * making a string per field (strings are made only for what the result shows). Every
 * byte range handled here is valid UTF-8: chunks that are not are read as Latin-1 and
 * re-encoded first.
 */

/** The text of bytes[start, end). */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/**
 * The UTF-8 bytes of `text` as a plain Uint8Array: the hot paths read bytes of one array
 * type only (a Buffer mixed in makes every element load polymorphic).
 */
export function encodeUtf8(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'utf8');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** Whether bytes[start, end) equals `other`[otherStart, otherStart + (end - start)). */
export function bytesEqual(
  bytes: Uint8Array,
  start: number,
  end: number,
  other: Uint8Array,
  otherStart: number,
): boolean {
  const offset = otherStart - start;
  for (let i = start; i < end; i++) if (bytes[i] !== other[i + offset]) return false;
  return true;
}

/**
 * Compares two UTF-8 values as JavaScript compares their strings (by UTF-16 code unit),
 * without decoding them: bytes order by code point, which agrees except that UTF-16
 * puts U+10000 and above (surrogate pairs; 4-byte sequences, lead byte ≥ 0xF0) before
 * U+E000…U+FFFF (lead bytes 0xEE, 0xEF). Negative when a sorts first.
 */
export function compareUtf16Order(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const x = a[aStart + k] as number;
    const y = b[bStart + k] as number;
    if (x === y) continue;
    // The first difference is at the same character in both (their prefixes are equal).
    if (x >= 0xee && y >= 0xee && x >= 0xf0 !== y >= 0xf0) return x >= 0xf0 ? -1 : 1;
    return x - y;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * Copies bytes[start, end) into `target` at `at`: a short value byte by byte (a
 * subarray for `set` would cost an object, a Buffer's even more), a long one natively.
 */
export function copyBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  target: Uint8Array,
  at: number,
): void {
  if (end - start > 64) {
    target.set(bytes.subarray(start, end), at);
    return;
  }
  const offset = at - start;
  for (let i = start; i < end; i++) target[i + offset] = bytes[i] as number;
}

/** UTF-16 code units of the UTF-8 text bytes[start, end) (what `string.length` says). */
export function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let units = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    // Continuation bytes add nothing; a 4-byte sequence is a surrogate pair.
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** A growable byte buffer that values are appended to; a value is then its offset and length. */
export class ByteArena {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 64) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Appends bytes[start, end); returns where they start in the arena. */
  append(bytes: Uint8Array, start: number, end: number): number {
    const at = this.length;
    const length = at + end - start;
    if (length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(length, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
    }
    copyBytes(bytes, start, end, this.bytes, at);
    this.length = length;
    return at;
  }

  /** The bytes in use, as a copy (for a state sent to another thread). */
  used(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  static of(bytes: Uint8Array): ByteArena {
    const arena = new ByteArena(0);
    arena.bytes = bytes;
    arena.length = bytes.length;
    return arena;
  }
}
