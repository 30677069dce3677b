import { Random } from '@taskdeck/node-common/random';
import { describe, expect, it } from 'vitest';
import { lastRecordEnd, parseRecords, type RecordSink } from './csv-records.js';

function records(text: string, delimiter = ',', utf8?: Buffer) {
  const out: { fields: string[]; line: number }[] = [];
  let current: string[] = [];
  const sink: RecordSink = {
    field: (_i, value) => current.push(value),
    endRecord: (_n, line) => {
      out.push({ fields: current, line });
      current = [];
    },
  };
  const stats = parseRecords(text, delimiter, sink, Number.POSITIVE_INFINITY, utf8);
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
    const { out, stats } = records('a"b,"c"d,e\n');
    expect(out[0]?.fields).toEqual(['a"b', 'cd', 'e']);
    expect(stats.malformed).toBe(1);
    expect(stats.malformedLines).toEqual([0]);
  });

  it('stops after maxRecords and says how far it read', () => {
    const sink: RecordSink = { field() {}, endRecord() {} };
    const stats = parseRecords('h\n1\n2\n3\n', ',', sink, 2);
    expect(stats.records).toBe(2);
    expect(stats.consumed).toBe(4);
  });

  it('decodes only the non-ASCII fields from UTF-8 bytes when given the Latin-1 reading', () => {
    const bytes = Buffer.from('name,city\nJosé,"Zürich, CH"\nAnn,Oslo\n', 'utf8');
    const { out } = records(bytes.toString('latin1'), ',', bytes);
    expect(out.map((r) => r.fields)).toEqual([
      ['name', 'city'],
      ['José', 'Zürich, CH'],
      ['Ann', 'Oslo'],
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
      const head = records(bytes.subarray(0, cut).toString()).out.map((r) => r.fields);
      const tail = records(bytes.subarray(cut).toString()).out.map((r) => r.fields);
      expect([...head, ...tail], JSON.stringify(text)).toEqual(whole);
    }
  });
});
