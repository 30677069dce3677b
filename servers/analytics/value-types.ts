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
const NULL_TOKENS = new Set([
  'null',
  'NULL',
  'Null',
  'NA',
  'N/A',
  'n/a',
  'None',
  'none',
  'nil',
  '\\N',
  'NaN',
  'nan',
]);
const TRUE_TOKENS = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES']);
const FALSE_TOKENS = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO']);

/** Integers with more digits than this are not exact as doubles; they are identifiers, kept as text. */
const MAX_INTEGER_DIGITS = 15;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9;

/** Trims spaces and tabs only when present (the common case allocates nothing). */
export function trimValue(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  return isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(n - 1)) ? value.trim() : value;
}

/** Classifies a trimmed value; numbers and dates leave their value in `parsed.number`. */
export function classify(value: string): Kind {
  const n = value.length;
  if (n === 0) return Kind.Empty;
  const c0 = value.charCodeAt(0);
  if (isDigit(c0) || c0 === 45 || c0 === 43 || c0 === 46) {
    // YYYY-… or YYYY/…: straight to the date parser (dates are common, numbers never look like this).
    if (n >= 10 && isDigit(c0)) {
      const c4 = value.charCodeAt(4);
      if (c4 === 45 || c4 === 47) return classifyDate(value, n);
    }
    const kind = classifyNumber(value, n);
    return kind;
  }
  if (n <= 5) {
    if (TRUE_TOKENS.has(value)) {
      parsed.bool = true;
      return Kind.Boolean;
    }
    if (FALSE_TOKENS.has(value)) {
      parsed.bool = false;
      return Kind.Boolean;
    }
    if (NULL_TOKENS.has(value)) return Kind.Null;
  }
  return Kind.String;
}

function classifyNumber(s: string, n: number): Kind {
  let i = 0;
  let negative = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    negative = c0 === 45;
    i = 1;
    if (n === 1) return Kind.String;
  }
  const digitsStart = i;
  let intValue = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    intValue = intValue * 10 + (c - 48);
    i++;
  }
  const intDigits = i - digitsStart;
  if (i === n) {
    // Leading zeros (zip codes, account numbers) would be lost as numbers: keep them text.
    if (intDigits > MAX_INTEGER_DIGITS || (intDigits > 1 && s.charCodeAt(digitsStart) === 48))
      return Kind.String;
    parsed.number = negative ? -intValue : intValue;
    return Kind.Integer;
  }
  let fracDigits = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      fracDigits++;
    }
  }
  if (intDigits + fracDigits === 0) return Kind.String;
  if (i < n) {
    const e = s.charCodeAt(i);
    if (e !== 101 && e !== 69) return Kind.String;
    i++;
    if (i < n && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === expStart || i !== n) return Kind.String;
  }
  const value = Number(s);
  if (!Number.isFinite(value)) return Kind.String;
  parsed.number = value;
  return Kind.Float;
}

const digitAt = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => {
  const a = digitAt(s, i);
  const b = digitAt(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * ISO 8601 dates `YYYY-MM-DD` (or with `/`) and datetimes `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM]`.
 * Day-first and month-first forms are ambiguous, so they stay text rather than guessed.
 */
function classifyDate(s: string, n: number): Kind {
  const year = two(s, 0) * 100 + two(s, 2);
  const sep = s.charCodeAt(4);
  if (year < 0 || (sep !== 45 && sep !== 47) || s.charCodeAt(7) !== sep) return Kind.String;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Kind.String;
  const days = daysFromCivil(year, month, day);
  if (n === 10) {
    parsed.number = days * 86400;
    return Kind.Date;
  }
  const t = s.charCodeAt(10);
  if ((t !== 84 && t !== 32) || n < 16 || s.charCodeAt(13) !== 58) return Kind.String;
  const hour = two(s, 11);
  const minute = two(s, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Kind.String;
  let seconds = 0;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    seconds = two(s, 17);
    if (seconds < 0 || seconds > 60) return Kind.String;
    i = 19;
    if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
      i++;
      let scale = 0.1;
      const start = i;
      while (i < n && isDigit(s.charCodeAt(i))) {
        seconds += digitAt(s, i) * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return Kind.String;
    }
  }
  let offset = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if (z === 90 && i === n - 1) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = two(s, i + 1);
      const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
      const om = two(s, i + 3 + colon);
      if (oh < 0 || oh > 23 || om < 0 || om > 59 || i + 5 + colon !== n) return Kind.String;
      offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
      i = n;
    } else {
      return Kind.String;
    }
  }
  if (i !== n) return Kind.String;
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
