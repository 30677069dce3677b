import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finish } from '../tasks/task-book.js';
import { newRecord, type TaskRecord } from '../tasks/task-record.js';
import { TaskJournal } from './task-journal.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(`${tmpdir()}/journal-`);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const lines = () => readFileSync(TaskJournal.pathIn(dataDir), 'utf8').trim().split('\n').filter(Boolean);
/** Reads a journal whose hub is still alive: its running records stay as they are. */
const keepRunning = () => true;

describe('TaskJournal', () => {
  it('keeps the last state of each task across a reopen', async () => {
    const { journal } = await TaskJournal.open(dataDir);
    const a = newRecord('a', 's', 't', { x: 1 }, 'task', 1);
    journal.write(a);
    finish(a, 'completed', 2, { result: { content: [{ type: 'text', text: 'done' }] } });
    journal.write(a);
    journal.write(newRecord('b', 's', 't', {}, 'plain', 3));
    await journal.close();
    expect(lines()).toHaveLength(3);
    const reopened = await TaskJournal.open(dataDir);
    expect(reopened.records.map((r) => [r.id, r.status])).toEqual([
      ['a', 'completed'],
      ['b', 'interrupted'],
    ]);
    expect(reopened.interrupted).toBe(1);
    expect(reopened.records[0]?.result?.content).toEqual([{ type: 'text', text: 'done' }]);
    // Opening compacts: one line per task.
    expect(lines()).toHaveLength(2);
    await reopened.journal.close();
  });

  it('keeps running the tasks the hub will follow again (on a remote server), and ends the others', async () => {
    const { journal } = await TaskJournal.open(dataDir);
    const remote = newRecord('r', 'remote', 't', {}, 'task', 1);
    remote.mcpTaskId = 'server-task-1';
    remote.connectionLost = { reason: 'Taskdeck quit while this task was running.', since: 2 };
    journal.write(remote);
    journal.write(newRecord('l', 'local', 't', {}, 'task', 2));
    await journal.close();
    const reopened = await TaskJournal.open(dataDir, {
      resumable: (record) => record.server === 'remote' && record.mcpTaskId !== undefined,
    });
    expect(reopened.records.map((r) => [r.id, r.status])).toEqual([
      ['r', 'working'],
      ['l', 'interrupted'],
    ]);
    expect(reopened.records[0]).toMatchObject({
      mcpTaskId: 'server-task-1',
      connectionLost: { reason: 'Taskdeck quit while this task was running.', since: 2 },
    });
    expect(reopened.interrupted).toBe(1);
    await reopened.journal.close();
  });

  it('records how a followed remote task ends, also when a newer Taskdeck wrote its line', async () => {
    const remote = {
      ...newRecord('r', 'remote', 't', {}, 'task', 1),
      mcpTaskId: 'server-task-1',
      owner: 'ops',
    };
    mkdirSync(join(dataDir, 'journal'), { recursive: true });
    writeFileSync(TaskJournal.pathIn(dataDir), `${JSON.stringify(remote)}\n`);
    const opened = await TaskJournal.open(dataDir, { resumable: (record) => record.server === 'remote' });
    const record = opened.records[0] as TaskRecord;
    expect(record.status).toBe('working');
    // The hub follows it again and the server says it completed.
    finish(record, 'completed', 5, { result: { content: [{ type: 'text', text: 'done' }] } });
    opened.journal.write(record);
    await opened.journal.close();
    const reread = await TaskJournal.read(TaskJournal.pathIn(dataDir), undefined, keepRunning);
    expect(reread.records[0]?.status).toBe('completed');
    expect(JSON.parse(lines().at(-1) as string)).toMatchObject({ status: 'completed', owner: 'ops' });
  });

  it('reads a journal another live hub writes without ending its running tasks', async () => {
    const { journal } = await TaskJournal.open(dataDir);
    journal.write(newRecord('running', 's', 't', {}, 'task', 1));
    await journal.flush();
    const seen = await TaskJournal.read(TaskJournal.pathIn(dataDir), undefined, keepRunning);
    expect(seen.records[0]?.status).toBe('working');
    await journal.close();
  });

  it('compacts when the file outgrows its live records, keeping at most maxTasks', async () => {
    const { journal } = await TaskJournal.open(dataDir, { compactBytes: 20_000, maxTasks: 50 });
    const records = Array.from({ length: 80 }, (_, i) => newRecord(`t${i}`, 's', 't', { i }, 'task', i));
    for (let round = 0; round < 10; round++) {
      for (const r of records) {
        r.statusMessage = `round ${round}`;
        journal.write(r);
      }
      await journal.flush(() => records);
    }
    const size = statSync(TaskJournal.pathIn(dataDir)).size;
    expect(size).toBeLessThan(40_000);
    for (const r of records.slice(0, 60)) finish(r, 'completed', 100);
    await journal.compact(records);
    await journal.close();
    const kept = await TaskJournal.read(TaskJournal.pathIn(dataDir), undefined, keepRunning);
    // 30 dropped: the oldest finished ones; running ones are always kept.
    expect(kept.records).toHaveLength(50);
    expect(kept.records[0]?.id).toBe('t30');
    expect(kept.records.filter((r) => r.status === 'working')).toHaveLength(20);
  });
});

/** A journal of `count` finished tasks, one line each (t0, t1, ...). */
async function journalOf(count: number): Promise<string> {
  const { journal } = await TaskJournal.open(dataDir);
  for (let i = 0; i < count; i++) {
    const record = newRecord(`t${i}`, 's', 'tool', { i }, 'task', 1000 + i);
    finish(record, 'completed', 2000 + i, { result: { content: [{ type: 'text', text: `done ${i}` }] } });
    journal.write(record);
  }
  await journal.close();
  return TaskJournal.pathIn(dataDir);
}

const quarantineFiles = () =>
  readdirSync(join(dataDir, 'journal')).filter((f) => /^tasks\.quarantine-.*\.jsonl$/.test(f));
const quarantined = () => readFileSync(join(dataDir, 'journal', quarantineFiles()[0] as string));
const ids = (records: TaskRecord[]) => records.map((r) => r.id).sort();

describe('TaskJournal with lines this version cannot fully read', () => {
  it('keeps and shows records a newer Taskdeck wrote, and writes them back as they were', async () => {
    const path = await journalOf(6);
    const [plain, paused, streamed, extra, , ownWord] = readFileSync(path, 'utf8')
      .trim()
      .split('\n') as string[];
    const newer = {
      paused: JSON.stringify({
        ...JSON.parse(paused as string),
        status: 'paused',
        timeline: [
          { status: 'working', at: 1001 },
          { status: 'paused', at: 1500, message: 'waiting for a slot' },
        ],
      }),
      streamed: JSON.stringify({ ...JSON.parse(streamed as string), mode: 'stream' }),
      // A field of its own at the top and one inside the result.
      extra: JSON.stringify({
        priority: 3,
        ...JSON.parse(extra as string),
        result: { content: [], resourceLinks: ['x'] },
      }),
      // Running when that Taskdeck stopped: it ends as interrupted, its own field stays.
      running: JSON.stringify({ ...newRecord('t4', 's', 'tool', {}, 'task', 1004), owner: 'ops' }),
      // A field named like one this version adds itself is not read as its own.
      ownWord: JSON.stringify({ ...JSON.parse(ownWord as string), unrecognizedStatus: 'x' }),
    };
    writeFileSync(path, `${[plain, ...Object.values(newer)].join('\n')}\n`);

    const opened = await TaskJournal.open(dataDir);
    expect(ids(opened.records)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    const byId = new Map(opened.records.map((r) => [r.id, r]));
    expect(byId.get('t1')).toMatchObject({ status: 'unknown', unrecognizedStatus: 'paused' });
    expect(byId.get('t1')?.timeline[1]).toEqual({
      status: 'unknown',
      unrecognizedStatus: 'paused',
      at: 1500,
      message: 'waiting for a slot',
    });
    expect(byId.get('t2')).toMatchObject({
      mode: 'unknown',
      unrecognizedMode: 'stream',
      status: 'completed',
    });
    expect(byId.get('t3')?.status).toBe('completed');
    expect(byId.get('t4')?.status).toBe('interrupted');
    expect(byId.get('t5')?.status).toBe('completed');
    expect(byId.get('t5')?.unrecognizedStatus).toBeUndefined();
    expect(opened.unreadableLines).toBe(0);
    expect(opened.quarantinePath).toBeUndefined();

    // Opening compacted the file: the newer lines are still there, byte for byte.
    const afterOpen = readFileSync(path, 'utf8').trim().split('\n');
    expect(afterOpen).toHaveLength(6);
    expect(afterOpen).toEqual(
      expect.arrayContaining([newer.paused, newer.streamed, newer.extra, newer.ownWord]),
    );
    const running = JSON.parse(afterOpen.find((l) => l.includes('"t4"')) as string);
    expect(running).toMatchObject({ id: 't4', status: 'interrupted', owner: 'ops' });
    expect(JSON.parse(afterOpen.find((l) => l.includes('"t0"')) as string)).toEqual(
      JSON.parse(plain as string),
    );

    // And so after a compaction and a second open.
    await opened.journal.compact(opened.records);
    await opened.journal.close();
    const again = await TaskJournal.open(dataDir);
    await again.journal.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual(afterOpen);
    expect(ids(again.records)).toEqual(ids(opened.records));
    expect(quarantineFiles()).toEqual([]);
  });

  it('moves lines it cannot read to a quarantine file, byte for byte, and keeps every task', async () => {
    const path = await journalOf(74);
    const lines = readFileSync(path).toString().trim().split('\n');
    const junk = [
      Buffer.from('garbage'),
      Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x69, 0x64, 0x22, 0xc3, 0x28]), // not UTF-8
      Buffer.from('{"id":"t9","status":"completed","createdAt":"yesterday"}'), // JSON, not a record
      Buffer.from('   '),
    ];
    const torn = Buffer.from('{"id":"t73","status":"fai');
    const damaged = Buffer.concat([
      Buffer.from(`${lines.slice(0, 30).join('\n')}\n`),
      ...junk.flatMap((line) => [line, Buffer.from('\n')]),
      Buffer.from(`${lines.slice(30).join('\n')}\n`),
      torn,
    ]);
    writeFileSync(path, damaged);

    const opened = await TaskJournal.open(dataDir);
    await opened.journal.close();
    expect(opened.records).toHaveLength(74);
    expect(opened.records.find((r) => r.id === 't73')?.status).toBe('completed');
    expect(opened).toMatchObject({ unreadableLines: 4, tornLastLine: true, interrupted: 0 });
    expect(quarantineFiles()).toHaveLength(1);
    expect(opened.quarantinePath).toBe(join(dataDir, 'journal', quarantineFiles()[0] as string));
    expect(quarantined()).toEqual(
      Buffer.concat([...junk, torn].flatMap((line) => [line, Buffer.from('\n')])),
    );
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(74);
  });

  it('keeps every line a damaged block of binary garbage spared, and the damaged ones in quarantine', async () => {
    const path = await journalOf(200);
    const before = readFileSync(path);
    const from = Math.floor(before.length / 3);
    const garbage = randomBytes(16 * 1024);
    const damaged = Buffer.concat([
      before.subarray(0, from),
      garbage,
      before.subarray(from + garbage.length),
    ]);
    writeFileSync(path, damaged);
    // What the damage touched: from the start of its first line to the end of its last one.
    const first = damaged.lastIndexOf(10, from - 1) + 1;
    const last = damaged.indexOf(10, from + garbage.length);
    const touched = damaged.subarray(first, last);
    const spared = `${damaged.subarray(0, first)}${damaged.subarray(last + 1)}`.trim().split('\n');

    const opened = await TaskJournal.open(dataDir);
    await opened.journal.close();
    expect(ids(opened.records)).toEqual(spared.map((line) => JSON.parse(line).id).sort());
    const pieces = splitLines(touched).filter((piece) => piece.length > 0);
    expect(opened.unreadableLines).toBe(pieces.length);
    expect(quarantined()).toEqual(Buffer.concat(pieces.flatMap((piece) => [piece, Buffer.from('\n')])));
  });

  it('quarantines a torn last line quietly: the task keeps its previous state', async () => {
    const path = await journalOf(3);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"id":"t2","status":"work`);
    const opened = await TaskJournal.open(dataDir);
    await opened.journal.close();
    expect(opened).toMatchObject({ unreadableLines: 0, tornLastLine: true });
    expect(opened.records.map((r) => [r.id, r.status])).toEqual([
      ['t0', 'completed'],
      ['t1', 'completed'],
      ['t2', 'completed'],
    ]);
    expect(quarantined().toString()).toBe('{"id":"t2","status":"work\n');
  });

  it('only reads when another hub owns the journal: no quarantine, the file unchanged', async () => {
    const path = await journalOf(2);
    const content = `garbage\n${readFileSync(path, 'utf8')}{"id":"t1","sta`;
    writeFileSync(path, content);
    const seen = await TaskJournal.read(path, undefined, keepRunning);
    expect(seen).toMatchObject({ unreadableLines: 1, tornLastLine: true });
    expect(ids(seen.records)).toEqual(['t0', 't1']);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(quarantineFiles()).toEqual([]);
  });

  it('reports a failed write once, keeps appending, and rewrites the whole file when it can', async () => {
    const errors: Error[] = [];
    const { journal } = await TaskJournal.open(dataDir, { onWriteError: (e) => errors.push(e) });
    const records = Array.from({ length: 5 }, (_, i) => newRecord(`t${i}`, 's', 't', {}, 'task', i));
    for (const r of records) journal.write(r);
    await journal.flush();
    // The compaction's temp file cannot be created: a folder stands in its place.
    const blocker = `${TaskJournal.pathIn(dataDir)}.compact`;
    mkdirSync(blocker);
    await expect(journal.compact(records)).resolves.toBeUndefined();
    await journal.compact(records);
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['EISDIR']);
    // Appends still reach the file meanwhile.
    finish(records[0] as TaskRecord, 'completed', 10);
    journal.write(records[0] as TaskRecord);
    await journal.flush();
    expect(
      (await TaskJournal.read(TaskJournal.pathIn(dataDir), undefined, keepRunning)).records[0]?.status,
    ).toBe('completed');
    rmdirSync(blocker);
    await journal.flush(() => records);
    await journal.close();
    expect(lines()).toHaveLength(5);
    expect(errors).toHaveLength(1);
  });
});

function splitLines(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
    pieces.push(bytes.subarray(start, end));
    start = end + 1;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}
