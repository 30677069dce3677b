import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '@taskdeck/node-common/random';
import { writeSampleData } from '../sample-data.js';

/**
 * The files the profile-equivalence test profiles: the same bytes on every run (seeded),
 * and the same ones the recorded profiles in `golden/` were made from (by the profiler
 * before it read bytes instead of strings). Each has a name, and profiling options
 * besides the in-thread/worker choice.
 */
export interface EquivalenceFile {
  name: string;
  path: string;
  /** Read size: small, so that a file spans many chunks (and several workers). */
  chunkBytes: number;
}

/** Writes every equivalence file into `dir`. */
export async function writeEquivalenceFiles(dir: string): Promise<EquivalenceFile[]> {
  const files: EquivalenceFile[] = [];
  const add = (name: string, chunkBytes: number) => {
    files.push({ name, path: join(dir, name), chunkBytes });
    return join(dir, name);
  };
  // Every column exact (fewer values than the exact limits).
  await writeSampleData({ format: 'csv', recordCount: 3000, seed: 2, path: add('orders-3k.csv', 64 * 1024) });
  // Ids, e-mails, amounts and timestamps past the exact limits: estimates, samples, frequent items.
  await writeSampleData({
    format: 'csv',
    recordCount: 40_000,
    seed: 3,
    path: add('orders-40k.csv', 256 * 1024),
  });
  writeFileSync(add('mixed.csv', 32 * 1024), mixedCsv(new Random(17), 12_000));
  writeFileSync(add('latin1.csv', 16 * 1024), Buffer.from(latin1Csv(new Random(5), 3000), 'latin1'));
  writeFileSync(add('partly-latin1.csv', 16 * 1024), partlyLatin1Csv(new Random(9), 4000));
  return files;
}

const pick = <T>(random: Random, items: readonly T[]) => random.pick(items);

/** Integers as written in the wild: signs, the most digits a double holds exactly. */
const INTEGERS = ['0', '-0', '+7', '-12', '123456789012345', '-999999999999999'];
/** Numbers that are text: leading zeros (zip codes), more digits than a double holds. */
const NOT_INTEGERS = ['00501', '0042', '1234567890123456'];
/** Floats: bare points, exponents, more digits than the fast path takes, the smallest subnormal. */
const FLOATS = [
  '1.5',
  '.5',
  '-.25',
  '1.',
  '+3.0',
  '1e5',
  '2.5E-3',
  '-7e+2',
  '0.1234567890123456789',
  '12345678901234567.5',
  '4.9e-324',
  '1e22',
  '1e23',
  '8.98846567431158e307',
];
/** Almost numbers: overflow, a missing exponent, two points, signs or points alone, a decimal comma. */
const NOT_FLOATS = ['1.7976931348623157e309', '1e', '1.2.3', '-', '.', '+', '3,5', '1e5x'];
const DATES = [
  '2024-03-01',
  '2024/03/01',
  '2024-02-29',
  '1999-12-31T23:59:59',
  '2024-03-01 10:00',
  '2024-03-01T10:00:00.5+02:00',
  '2024-03-01T10:00:00,25Z',
  '2024-03-01T10:00:00-0530',
  '0001-01-01',
  '9999-12-31T23:59:60',
];
/** Almost dates: no such day or month or hour, a dangling offset, trailing text, mixed separators. */
const NOT_DATES = [
  '2024-02-30',
  '2023-02-29',
  '2024-13-01',
  '2024-03-01T24:00:00',
  '2024-03-01T10:00:00+',
  '2024-03-01X',
  '2024-03/01',
  '2024-03-01T10',
];
const TOKENS = [
  'NULL',
  'null',
  'NA',
  'N/A',
  'n/a',
  '\\N',
  'NaN',
  'nan',
  'None',
  'nil',
  'true',
  'FALSE',
  'Yes',
  'no',
  'nul',
  'Tru',
];
/** Text that orders differently by UTF-16 code unit than by code point, accents, emoji, CJK. */
const TEXTS = [
  'zebra',
  'Äpfel',
  'éclair',
  'naïve café',
  '😀 smile',
  '\uE000 private',
  '\uFFFD replacement',
  '北京',
  'a',
  'A',
  'Zürich, CH',
  'say "hi"',
  'two\nlines',
];
const SPACES = [' ', '\t', '  ', '\u00a0', ''];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Every kind of value in every column, padding, long texts, nulls, a typed column with
 * stray texts, ragged rows, malformed quotes and CRLF lines.
 */
function mixedCsv(random: Random, rows: number): string {
  const header = [
    'row_label',
    'int_col',
    'float_col',
    'date_col',
    'token_col',
    'text_col',
    'stray_int',
    'any_col',
    'padded',
    'order_col',
  ];
  const lines = [header.join(',')];
  const any = [INTEGERS, NOT_INTEGERS, FLOATS, NOT_FLOATS, DATES, NOT_DATES, TOKENS, TEXTS];
  for (let r = 0; r < rows; r++) {
    const long = random.chance(0.01)
      ? `${pick(random, ['x', 'ö', '😀'])}`.repeat(random.int(150, 400))
      : null;
    const fields = [
      `r${r}`,
      random.chance(0.8) ? String(random.int(-5000, 5000)) : pick(random, INTEGERS),
      random.chance(0.7) ? (random.next() * 1000 - 300).toFixed(random.int(0, 4)) : pick(random, FLOATS),
      random.chance(0.8) ? `2024-0${random.int(1, 9)}-1${random.int(0, 9)}` : pick(random, DATES),
      pick(random, TOKENS),
      long ?? (random.chance(0.5) ? `${pick(random, TEXTS)} ${random.int(0, 300)}` : pick(random, TEXTS)),
      r % 997 === 5 ? 'n/a?' : String(random.int(1, 40)),
      pick(random, pick(random, any)),
      `${pick(random, SPACES)}${pick(random, pick(random, any))}${pick(random, SPACES)}`,
      // Code point order and UTF-16 order disagree here: U+E000 sorts after U+1F600 in UTF-16.
      pick(random, ['😀 grin', '\uE000 private', 'plain', 'émile']),
    ].map(csvField);
    let line = fields.join(',');
    if (r % 701 === 3) line = fields.slice(0, 6).join(','); // short row
    if (r % 887 === 7) line = `${line},extra,fields`; // long row
    // The row label (first field) with malformed quoting.
    if (r % 613 === 11) line = line.replace(/^[^,]*/, 'ab"c'); // a quote inside an unquoted field
    if (r % 809 === 13) line = line.replace(/^[^,]*/, '"q"tail'); // text after a closing quote
    if (r % 4 === 1) line += '\r'; // some CRLF lines
    if (r % 1500 === 9) lines.push(''); // a blank line
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

const LATIN1_NAMES = ['José', 'Müller', 'François', 'Øyvind', 'Ærøskøbing', 'Smith', 'señor'];

/** Text with accented Latin-1 characters, saved as Latin-1 (not valid UTF-8). */
function latin1Csv(random: Random, rows: number): string {
  const lines = ['name;amount;city'];
  for (let r = 0; r < rows; r++) {
    lines.push(
      `${pick(random, LATIN1_NAMES)} ${random.int(1, 50)};${(random.next() * 100).toFixed(2)};${pick(random, LATIN1_NAMES)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** UTF-8 text with a stretch in the middle that is not valid UTF-8 (decoded as Latin-1 there). */
function partlyLatin1Csv(random: Random, rows: number): Buffer {
  const parts: Buffer[] = [Buffer.from('name,score\n')];
  for (let r = 0; r < rows; r++) {
    const line = `${pick(random, LATIN1_NAMES)},${random.int(0, 100)}\n`;
    parts.push(Buffer.from(line, r >= 1500 && r < 1600 ? 'latin1' : 'utf8'));
  }
  return Buffer.concat(parts);
}
