import { Random } from '@taskdeck/node-common/random';
import { describe, expect, it } from 'vitest';
import { lastRecordEnd, parseRecords, type RecordSink } from './csv-records.js';

function records(text: string | Buffer, delimiter = ',') {
  const out: { fields: string[]; line: number }[] = [];
  let current: string[] = [];
  const sink: RecordSink = {
    field: (_i, bytes, start, end) => current.push(Buffer.from(bytes.subarray(start, end)).toString('utf8')),
    endRecord: (_n, line) => {
      out.push({ fields: current, line });
      current = [];
    },
  };
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const stats = parseRecords(bytes, delimiter.charCodeAt(0), sink);
  return { out, stats };
}

describe('parseRecords', () => {
  it('splits plain, quoted and CRLF records and counts lines', () => {
    const { out, stats } = records('a,b\r\n"x,1","say ""hi"""\r\n"multi\nline",\n\nlast');
    expect(out.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['multi\nline', ''],
      ['last'],
    ]);
    expect(out.map((r) => r.line)).toEqual([0, 1, 2, 5]);
    expect(stats).toMatchObject({
      records: 4,
      lines: 5,
      blankLines: 1,
      malformed: 0,
      unclosedQuoteLine: null,
    });
  });

  it('keeps malformed quoting as text and counts it', () => {
    const { out, stats } = records('a"b,"c"d,e\n"x""y"z,"q"\r\n');
    expect(out.map((r) => r.fields)).toEqual([
      ['a"b', 'cd', 'e'],
      ['x"yz', 'q'],
    ]);
    expect(stats.malformed).toBe(2);
    expect(stats.malformedLines).toEqual([0, 1]);
  });

  it('reads an unclosed quote to the end of the text, and says where it opened', () => {
    const { out, stats } = records('a,b\nc,"open\nmore,text\n');
    expect(out.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'open\nmore,text\n'],
    ]);
    expect(stats).toMatchObject({ unclosedQuoteLine: 1, lines: 3, consumed: 22 });
  });

  it('keeps CRs that do not end a line, and skips blank CRLF lines', () => {
    const { out, stats } = records('a\r,b\r\r\n\r\nc\r');
    expect(out.map((r) => r.fields)).toEqual([['a\r', 'b\r'], ['c']]);
    expect(stats).toMatchObject({ records: 2, blankLines: 1, lines: 2 });
  });

  it('stops after maxRecords and says how many bytes it read', () => {
    const sink: RecordSink = { field() {}, endRecord() {} };
    const stats = parseRecords(Buffer.from('h\n1\n2\n3\n'), 44, sink, 2);
    expect(stats.records).toBe(2);
    expect(stats.consumed).toBe(4);
  });

  it('hands fields over as ranges of the UTF-8 bytes, quotes removed, non-ASCII intact', () => {
    const bytes = Buffer.from('name,city\nJosé,"Zürich, CH"\n"Ann ""😀""",Oslo\n', 'utf8');
    const ranges: [Uint8Array, number, number][] = [];
    parseRecords(bytes, 44, { field: (_i, b, start, end) => ranges.push([b, start, end]), endRecord() {} });
    // A field that is one run of the text is that run, not a copy.
    expect(ranges.slice(0, 4).every(([b]) => b === bytes)).toBe(true);
    expect(records(bytes).out.map((r) => r.fields)).toEqual([
      ['name', 'city'],
      ['José', 'Zürich, CH'],
      ['Ann "😀"', 'Oslo'],
    ]);
  });
});

describe('lastRecordEnd', () => {
  const end = (text: string) => lastRecordEnd(Buffer.from(text), 44);

  it('finds the last newline outside quotes', () => {
    expect(end('a,b\nc,d')).toBe(4);
    expect(end('a,b\nc,"d\ne')).toBe(4);
    expect(end('a,"b\nc"\nd')).toBe(8);
    expect(end('a,"x""\ny"')).toBe(-1);
    expect(end('no newline')).toBe(-1);
    // A quote inside an unquoted field is literal and opens nothing.
    expect(end('a,b"c\nd')).toBe(6);
    // `""` at the very end may be an escaped quote: undecided, so the open field is not cut.
    expect(end('x\n"a\nb"')).toBe(2);
  });

  it('agrees with the parser on random CSV: cutting there never splits a record', () => {
    const random = new Random(7);
    const atoms = ['a', ',', '\n', '\r\n', '"', '""', 'x y', 'é'];
    for (let round = 0; round < 300; round++) {
      let text = '';
      const length = random.int(1, 40);
      for (let i = 0; i < length; i++) text += random.pick(atoms);
      const bytes = Buffer.from(text);
      const cut = lastRecordEnd(bytes, 44);
      const whole = records(text).out.map((r) => r.fields);
      if (cut === -1) continue;
      const head = records(bytes.subarray(0, cut)).out.map((r) => r.fields);
      const tail = records(bytes.subarray(cut)).out.map((r) => r.fields);
      expect([...head, ...tail], JSON.stringify(text)).toEqual(whole);
    }
  });
});
