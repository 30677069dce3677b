import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finish } from '../tasks/task-book.js';
import { newRecord } from '../tasks/task-record.js';
import { TaskJournal } from './task-journal.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(`${tmpdir()}/journal-`);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const lines = () => readFileSync(TaskJournal.pathIn(dataDir), 'utf8').trim().split('\n').filter(Boolean);

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

  it('reads a journal another live hub writes without ending its running tasks', async () => {
    const { journal } = await TaskJournal.open(dataDir);
    journal.write(newRecord('running', 's', 't', {}, 'task', 1));
    await journal.flush();
    const seen = await TaskJournal.read(TaskJournal.pathIn(dataDir), 'keep');
    expect(seen.records[0]?.status).toBe('working');
    await journal.close();
  });

  it('skips damaged lines and reports them', async () => {
    const { journal } = await TaskJournal.open(dataDir);
    journal.write(newRecord('a', 's', 't', {}, 'task', 1));
    await journal.close();
    const path = TaskJournal.pathIn(dataDir);
    writeFileSync(path, `garbage\n${readFileSync(path, 'utf8')}{"id":"b","status":"work`);
    const loaded = await TaskJournal.read(path);
    expect(loaded.skippedLines).toBe(2);
    expect(loaded.records.map((r) => r.id)).toEqual(['a']);
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
    const kept = await TaskJournal.read(TaskJournal.pathIn(dataDir), 'keep');
    // 30 dropped: the oldest finished ones; running ones are always kept.
    expect(kept.records).toHaveLength(50);
    expect(kept.records[0]?.id).toBe('t30');
    expect(kept.records.filter((r) => r.status === 'working')).toHaveLength(20);
  });
});
