/** log2 of the registers by default: standard error about 0.8 %, in 16 KB. */
export const DEFAULT_PRECISION = 14;

/**
 * HyperLogLog distinct counter (Flajolet et al. 2007, with the small-range correction):
 * 2^precision one-byte registers, mergeable by register max between counters of the same
 * precision.
 */
export class HyperLogLog {
  readonly registers: Uint8Array;
  private readonly precision: number;

  constructor(precisionOrRegisters: number | Uint8Array = DEFAULT_PRECISION) {
    this.registers =
      typeof precisionOrRegisters === 'number'
        ? new Uint8Array(1 << precisionOrRegisters)
        : precisionOrRegisters;
    this.precision = Math.log2(this.registers.length);
  }

  /** 1.04 / √registers. */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.registers.length);
  }

  addHash(hash: number): void {
    const p = this.precision;
    const index = hash >>> (32 - p);
    // Rank of the first 1 bit in the remaining 32 - p bits (32 - p + 1 when they are all zero).
    const rest = (hash << p) | (1 << (p - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  add(value: string): void {
    this.addHash(hashString(value));
  }

  merge(other: HyperLogLog): void {
    const m = this.registers.length;
    for (let i = 0; i < m; i++) {
      const r = other.registers[i] as number;
      if (r > (this.registers[i] as number)) this.registers[i] = r;
    }
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const r = this.registers[i] as number;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

const SEED = 0x9747b28c;

/** One 32-bit block of MurmurHash3 (x86_32). */
function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let x = h ^ Math.imul(k, 0x1b873593);
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** The last, unpaired code unit, and the finalizer over the length. */
function finish(h: number, tail: number, units: number): number {
  let x = h;
  if (tail >= 0) {
    let k = Math.imul(tail, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    x ^= Math.imul(k, 0x1b873593);
  }
  return fmix32(x ^ units);
}

/**
 * 32-bit MurmurHash3 (x86_32) of a string's UTF-16 code units, two per 32-bit block:
 * half the mixing steps of a per-character loop, on the hottest path of wide files.
 */
export function hashString(value: string): number {
  let h = SEED;
  const n = value.length;
  const pairs = n & ~1;
  for (let i = 0; i < pairs; i += 2) h = mixBlock(h, value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
  return finish(h, pairs < n ? value.charCodeAt(pairs) : -1, n);
}

/** What hashUtf8 found besides the hash: the value's length in UTF-16 code units. */
export const hashedText = { length: 0 };

/**
 * hashString of the text of the UTF-8 bytes[start, end), from the bytes (no string is
 * made): ASCII two bytes per block; other characters decoded to their UTF-16 code units
 * on the way. Leaves the text's UTF-16 length in `hashedText.length`.
 */
export function hashUtf8(bytes: Uint8Array, start: number, end: number): number {
  let h = SEED;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] as number;
    if ((a | b) >= 0x80) break;
    h = mixBlock(h, a | (b << 16));
  }
  let units = i - start;
  let pending = -1;
  while (i < end) {
    const b0 = bytes[i] as number;
    let unit: number;
    if (b0 < 0x80) {
      unit = b0;
      i++;
    } else if (b0 < 0xe0) {
      unit = ((b0 & 0x1f) << 6) | ((bytes[i + 1] as number) & 0x3f);
      i += 2;
    } else if (b0 < 0xf0) {
      unit =
        ((b0 & 0x0f) << 12) | (((bytes[i + 1] as number) & 0x3f) << 6) | ((bytes[i + 2] as number) & 0x3f);
      i += 3;
    } else {
      const point =
        ((b0 & 0x07) << 18) |
        (((bytes[i + 1] as number) & 0x3f) << 12) |
        (((bytes[i + 2] as number) & 0x3f) << 6) |
        ((bytes[i + 3] as number) & 0x3f);
      i += 4;
      // A surrogate pair: the high half now, the low half below.
      const high = 0xd800 + ((point - 0x10000) >> 10);
      if (pending < 0) pending = high;
      else {
        h = mixBlock(h, pending | (high << 16));
        pending = -1;
      }
      units++;
      unit = 0xdc00 + ((point - 0x10000) & 0x3ff);
    }
    if (pending < 0) pending = unit;
    else {
      h = mixBlock(h, pending | (unit << 16));
      pending = -1;
    }
    units++;
  }
  hashedText.length = units;
  return finish(h, pending, units);
}

/**
 * A cheaper 32-bit hash of bytes[start, end) (MurmurHash3 over four bytes per block), for
 * lookups whose hash never reaches a result (the exact value table): hashUtf8 is kept for
 * the sketches.
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = SEED;
  let i = start;
  for (; i + 3 < end; i += 4) {
    h = mixBlock(
      h,
      (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24),
    );
  }
  let tail = -1;
  if (i < end) {
    tail = 0;
    for (let shift = 0; i < end; i++, shift += 8) tail |= (bytes[i] as number) << shift;
  }
  return finish(h, tail, end - start);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** 32-bit hash of a number's IEEE bits (fmix of both halves): far cheaper than hashing its text. */
export function hashNumber(x: number): number {
  F64[0] = x + 0; // -0 and 0 are the same value
  return fmix32(Math.imul((U32[0] as number) ^ 0x9e3779b9, 0x85ebca6b) ^ (U32[1] as number));
}

/** MurmurHash3's finalizer: spreads every input bit over the whole 32-bit output. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
