import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Random } from '@taskdeck/node-common/random';

export type SampleFormat = 'csv' | 'json';

export const SAMPLE_COLUMNS = [
  'order_id',
  'customer',
  'email',
  'country',
  'category',
  'amount',
  'quantity',
  'ordered_at',
  'ship_date',
  'express',
  'rating',
  'note',
] as const;

type SampleValue = string | number | boolean | null;
type SampleRecord = Record<(typeof SAMPLE_COLUMNS)[number], SampleValue>;

const FIRST = ['Ada', 'Bruno', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jun', 'Kwame'];
const FIRST_MORE = ['Lena', 'Mateo', 'Nia', 'Oskar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tomás', 'Uma', 'Wei'];
const FIRST_NAMES = [...FIRST, ...FIRST_MORE];
const LAST_NAMES = [
  'Okafor',
  'Schmidt',
  'García',
  'Nakamura',
  'Kowalski',
  'Dubois',
  'Rossi',
  'Haddad',
  'Smith',
];
const LAST_MORE = ['Johansson', "O'Brien", 'Nguyen', 'Petrov', 'Silva', 'Yilmaz', 'Müller', 'Chen', 'Patel'];
const SURNAMES = [...LAST_NAMES, ...LAST_MORE];
const DOMAINS = ['example.com', 'mail.test', 'corp.example', 'shop.example.org'];
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR', 'IN', 'GB', 'NG', 'PL', 'CA'];
/** Weighted: a few categories dominate, as real sales data does. */
const CATEGORIES = [
  'books',
  'books',
  'books',
  'electronics',
  'electronics',
  'garden',
  'toys',
  'grocery',
  'grocery',
];
const NOTE_PARTS = [
  'leave at the door',
  'gift wrap, please',
  'call before delivery',
  'fragile: glass inside',
  'customer said "urgent"',
  'replacement for order 1182, damaged',
  'deliver after 6 pm',
  'no plastic, thanks',
  'billing address differs',
  'left "as is", per phone call',
];

/** Names as they appear in e-mail addresses (no accents or apostrophes), computed once. */
const slug = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
const FIRST_SLUGS = FIRST_NAMES.map(slug);
const SURNAME_SLUGS = SURNAMES.map(slug);

const START_MS = Date.UTC(2022, 0, 1);
const SPAN_MS = Date.UTC(2025, 11, 31) - START_MS;
const DAY_MS = 86_400_000;

/** Record `index` (1-based) of the data set for `random`'s seed; the stream must be consumed in order. */
function makeRecord(index: number, random: Random): SampleRecord {
  const firstIndex = random.int(0, FIRST_NAMES.length - 1);
  const lastIndex = random.int(0, SURNAMES.length - 1);
  const orderedMs = START_MS + Math.floor(random.next() * SPAN_MS);
  const shipped = random.chance(0.93);
  const shipMs = orderedMs + random.int(0, 9) * DAY_MS;
  const emailUser = `${FIRST_SLUGS[firstIndex]}.${SURNAME_SLUGS[lastIndex]}`;
  const noteKind = random.next();
  let note: string | null = null;
  if (noteKind < 0.45) note = random.pick(NOTE_PARTS);
  else if (noteKind < 0.55) note = `${random.pick(NOTE_PARTS)}, ${random.pick(NOTE_PARTS)}`;
  else if (noteKind < 0.553) note = `${random.pick(NOTE_PARTS)}\nsecond line: ${random.pick(NOTE_PARTS)}`;
  return {
    order_id: index,
    customer: `${FIRST_NAMES[firstIndex]} ${SURNAMES[lastIndex]}`,
    email: random.chance(0.02) ? null : `${emailUser}${random.int(1, 999)}@${random.pick(DOMAINS)}`,
    country: random.pick(COUNTRIES),
    category: random.pick(CATEGORIES),
    // Log-normal amounts: most orders small, a long tail of large ones.
    amount: Math.round(Math.exp(3.5 + 0.9 * random.normal()) * 100) / 100,
    quantity: random.chance(0.03) ? null : random.int(1, 20),
    ordered_at: new Date(orderedMs).toISOString().slice(0, 19),
    ship_date: shipped ? new Date(shipMs).toISOString().slice(0, 10) : null,
    express: random.chance(0.2),
    rating: random.chance(0.25) ? null : random.int(1, 5),
    note,
  };
}

function csvField(value: SampleValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(record: SampleRecord): string {
  return `${SAMPLE_COLUMNS.map((c) => csvField(record[c])).join(',')}\n`;
}

export interface SampleDataOptions {
  format: SampleFormat;
  recordCount: number;
  seed: number;
  /** Final path; the data goes to a temporary file beside it, renamed when complete. */
  path: string;
  signal?: AbortSignal;
  /** Called after each batch with the records written so far. */
  onProgress?: (written: number) => void;
}

const BATCH = 2000;

/**
 * Writes a deterministic sample data set. A cancel or error removes the partial file,
 * so a path either holds a complete data set or nothing new.
 */
export async function writeSampleData(options: SampleDataOptions): Promise<{ bytes: number }> {
  const { format, recordCount, seed, path, signal } = options;
  const partial = `${path}.partial-${process.pid}`;
  const random = new Random(seed);
  const out = createWriteStream(partial, { flags: 'wx' });
  let bytes = 0;
  try {
    await opened(out);
    const write = async (text: string) => {
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await drained(out, signal);
    };
    await write(format === 'csv' ? `${SAMPLE_COLUMNS.join(',')}\n` : '[\n');
    for (let start = 1; start <= recordCount; start += BATCH) {
      signal?.throwIfAborted();
      const end = Math.min(recordCount, start + BATCH - 1);
      let text = '';
      for (let i = start; i <= end; i++) {
        const record = makeRecord(i, random);
        text +=
          format === 'csv' ? csvLine(record) : `  ${JSON.stringify(record)}${i < recordCount ? ',' : ''}\n`;
      }
      await write(text);
      options.onProgress?.(end);
    }
    if (format === 'json') await write(']\n');
    await closed(out);
    signal?.throwIfAborted();
    await rename(partial, path);
    return { bytes };
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

function opened(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
}

function drained(stream: WriteStream, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onAbort = () => done(signal?.reason);
    stream.once('drain', onDrain);
    stream.once('error', done);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
