/**
 * Classifies one CSV value. Hand-written over char codes instead of regexes because it
 * runs once per field (hundreds of millions of times on a multi-GB file).
 */

export const VALUE_KINDS = ['integer', 'float', 'boolean', 'date', 'datetime', 'string'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export enum Kind {
  Empty = 0,
  Null = 1,
  Integer = 2,
  Float = 3,
  Boolean = 4,
  Date = 5,
  DateTime = 6,
  String = 7,
}

/** The parsed value of the last classified number, or seconds since the epoch (UTC) of a date. */
export const parsed = { number: 0, bool: false };

/** Tokens that mean "no value" in exports from databases, spreadsheets and pandas. */
const NULL_TOKENS = ['null', 'NULL', 'Null', 'NA', 'N/A', 'n/a', 'None', 'none', 'nil', '\\N', 'NaN', 'nan'];
const TRUE_TOKENS = ['true', 'True', 'TRUE', 'yes', 'Yes', 'YES'];
const FALSE_TOKENS = ['false', 'False', 'FALSE', 'no', 'No', 'NO'];
/** Longest token, in bytes: longer values are never looked up. */
const MAX_TOKEN_LENGTH = 5;
const NULL_TOKEN = 1;
const TRUE_TOKEN = 2;
const FALSE_TOKEN = 3;

/** The first four bytes of a value as one 32-bit integer. */
function firstFour(bytes: Uint8Array, start: number, end: number): number {
  let code = 0;
  for (let i = Math.min(end, start + 4) - 1; i >= start; i--) code = (code << 8) | (bytes[i] as number);
  return code;
}

/**
 * The tokens by length: their first four bytes, fifth byte (or 0) and kind, compared as
 * integers (a Map keyed by five packed bytes made a heap number per lookup). A table of
 * the bytes tokens start with turns most text away before that.
 */
const TOKEN_STARTS = new Uint8Array(256);
const TOKENS: { codes: number[]; fifth: number[]; kinds: number[] }[] = Array.from(
  { length: MAX_TOKEN_LENGTH + 1 },
  () => ({ codes: [], fifth: [], kinds: [] }),
);
for (const [tokens, kind] of [
  [NULL_TOKENS, NULL_TOKEN],
  [TRUE_TOKENS, TRUE_TOKEN],
  [FALSE_TOKENS, FALSE_TOKEN],
] as const) {
  for (const token of tokens) {
    const bytes = Buffer.from(token, 'latin1');
    const entry = TOKENS[bytes.length] as (typeof TOKENS)[number];
    entry.codes.push(firstFour(bytes, 0, bytes.length));
    entry.fifth.push(bytes[4] ?? 0);
    entry.kinds.push(kind);
    TOKEN_STARTS[bytes[0] as number] = 1;
  }
}

/** The token kind of bytes[start, end) (at most MAX_TOKEN_LENGTH bytes), or 0. */
function tokenKind(bytes: Uint8Array, start: number, end: number): number {
  if (TOKEN_STARTS[bytes[start] as number] === 0) return 0;
  const { codes, fifth, kinds } = TOKENS[end - start] as (typeof TOKENS)[number];
  const code = firstFour(bytes, start, end);
  const last = end - start === 5 ? (bytes[start + 4] as number) : 0;
  for (let t = 0; t < codes.length; t++)
    if (codes[t] === code && fifth[t] === last) return kinds[t] as number;
  return 0;
}

/** Integers with more digits than this are not exact as doubles; they are identifiers, kept as text. */
const MAX_INTEGER_DIGITS = 15;
/** Decimal digits whose value a double holds exactly (below 2^53)… */
const EXACT_DIGITS = 15;
/** …and the powers of ten it holds exactly: digits × or ÷ 10^k is then correctly rounded (Clinger's fast path). */
const EXACT_POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9;

/** Trims spaces and tabs only when present (the common case allocates nothing). */
export function trimValue(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  return isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(n - 1)) ? value.trim() : value;
}

/** Whether the value in bytes[start, end) needs trimValue (it starts or ends with a space or tab). */
export function needsTrim(bytes: Uint8Array, start: number, end: number): boolean {
  return end > start && (isSpace(bytes[start] as number) || isSpace(bytes[end - 1] as number));
}

/** Classifies a trimmed value; numbers and dates leave their value in `parsed.number`. */
export function classify(value: string): Kind {
  const bytes = Buffer.from(value, 'utf8');
  return classifyBytes(bytes, 0, bytes.length);
}

/**
 * Classifies the trimmed UTF-8 value in bytes[start, end) without making a string: the
 * hot path of the profiler, once per field. Numbers and dates leave their value in
 * `parsed.number`; every kind but text is ASCII, so `end - start` is then its length.
 */
export function classifyBytes(bytes: Uint8Array, start: number, end: number): Kind {
  const n = end - start;
  if (n === 0) return Kind.Empty;
  const c0 = bytes[start] as number;
  if (isDigit(c0) || c0 === 45 || c0 === 43 || c0 === 46) {
    // YYYY-… or YYYY/…: straight to the date parser (dates are common, numbers never look like this).
    if (n >= 10 && isDigit(c0)) {
      const c4 = bytes[start + 4] as number;
      if (c4 === 45 || c4 === 47) return classifyDate(bytes, start, end);
    }
    return classifyNumber(bytes, start, end);
  }
  if (n <= MAX_TOKEN_LENGTH) {
    const token = tokenKind(bytes, start, end);
    if (token === NULL_TOKEN) return Kind.Null;
    if (token !== 0) {
      parsed.bool = token === TRUE_TOKEN;
      return Kind.Boolean;
    }
  }
  return Kind.String;
}

function classifyNumber(bytes: Uint8Array, start: number, end: number): Kind {
  let i = start;
  let negative = false;
  const c0 = bytes[start] as number;
  if (c0 === 45 || c0 === 43) {
    negative = c0 === 45;
    i++;
    if (end - start === 1) return Kind.String;
  }
  const digitsStart = i;
  // All digits, integer and fraction, as one integer: exact while there are at most 15.
  let mantissa = 0;
  while (i < end) {
    const c = bytes[i] as number;
    if (!isDigit(c)) break;
    mantissa = mantissa * 10 + (c - 48);
    i++;
  }
  const intDigits = i - digitsStart;
  if (i === end) {
    // Leading zeros (zip codes, account numbers) would be lost as numbers: keep them text.
    if (intDigits > MAX_INTEGER_DIGITS || (intDigits > 1 && bytes[digitsStart] === 48)) return Kind.String;
    parsed.number = negative ? -mantissa : mantissa;
    return Kind.Integer;
  }
  let fracDigits = 0;
  if (bytes[i] === 46) {
    i++;
    while (i < end) {
      const c = bytes[i] as number;
      if (!isDigit(c)) break;
      mantissa = mantissa * 10 + (c - 48);
      i++;
      fracDigits++;
    }
  }
  if (intDigits + fracDigits === 0) return Kind.String;
  let exponent = 0;
  if (i < end) {
    const e = bytes[i] as number;
    if (e !== 101 && e !== 69) return Kind.String;
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      expNegative = bytes[i] === 45;
      i++;
    }
    const expStart = i;
    while (i < end && isDigit(bytes[i] as number)) {
      // Capped: an exponent this large takes the slow path anyway.
      if (exponent < 10_000) exponent = exponent * 10 + ((bytes[i] as number) - 48);
      i++;
    }
    if (i === expStart || i !== end) return Kind.String;
    if (expNegative) exponent = -exponent;
  }
  const scale = exponent - fracDigits;
  let value: number;
  if (intDigits + fracDigits <= EXACT_DIGITS && scale >= -22 && scale <= 22) {
    value =
      scale >= 0 ? mantissa * (EXACT_POWERS[scale] as number) : mantissa / (EXACT_POWERS[-scale] as number);
    if (negative) value = -value;
  } else {
    value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
    if (!Number.isFinite(value)) return Kind.String;
  }
  parsed.number = value;
  return Kind.Float;
}

/** The two digits at i, i + 1 (before `end`) as a number, or -1. */
function two(bytes: Uint8Array, i: number, end: number): number {
  if (i + 1 >= end) return -1;
  const a = (bytes[i] as number) - 48;
  const b = (bytes[i + 1] as number) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * ISO 8601 dates `YYYY-MM-DD` (or with `/`) and datetimes `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM]`.
 * Day-first and month-first forms are ambiguous, so they stay text rather than guessed.
 */
function classifyDate(bytes: Uint8Array, start: number, end: number): Kind {
  const s = start;
  const n = end - start;
  const year = two(bytes, s, end) * 100 + two(bytes, s + 2, end);
  const sep = bytes[s + 4] as number;
  if (year < 0 || (sep !== 45 && sep !== 47) || bytes[s + 7] !== sep) return Kind.String;
  const month = two(bytes, s + 5, end);
  const day = two(bytes, s + 8, end);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Kind.String;
  const days = daysFromCivil(year, month, day);
  if (n === 10) {
    parsed.number = days * 86400;
    return Kind.Date;
  }
  const t = bytes[s + 10] as number;
  if ((t !== 84 && t !== 32) || n < 16 || bytes[s + 13] !== 58) return Kind.String;
  const hour = two(bytes, s + 11, end);
  const minute = two(bytes, s + 14, end);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Kind.String;
  let seconds = 0;
  let i = s + 16;
  if (i < end && bytes[i] === 58) {
    seconds = two(bytes, s + 17, end);
    if (seconds < 0 || seconds > 60) return Kind.String;
    i = s + 19;
    if (i < end && (bytes[i] === 46 || bytes[i] === 44)) {
      i++;
      let scale = 0.1;
      const fraction = i;
      while (i < end && isDigit(bytes[i] as number)) {
        seconds += ((bytes[i] as number) - 48) * scale;
        scale /= 10;
        i++;
      }
      if (i === fraction) return Kind.String;
    }
  }
  let offset = 0;
  if (i < end) {
    const z = bytes[i] as number;
    if (z === 90 && i === end - 1) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = two(bytes, i + 1, end);
      const colon = i + 3 < end && bytes[i + 3] === 58 ? 1 : 0;
      const om = two(bytes, i + 3 + colon, end);
      if (oh < 0 || oh > 23 || om < 0 || om > 59 || i + 5 + colon !== end) return Kind.String;
      offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
      i = end;
    } else {
      return Kind.String;
    }
  }
  if (i !== end) return Kind.String;
  parsed.number = days * 86400 + hour * 3600 + minute * 60 + seconds - offset;
  return Kind.DateTime;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm, no Date allocation). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Formats seconds since the epoch as ISO 8601: a date when `dateOnly`, else a UTC datetime. */
export function formatEpochSeconds(seconds: number, dateOnly: boolean): string {
  const iso = new Date(Math.round(seconds * 1000)).toISOString();
  if (dateOnly) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
