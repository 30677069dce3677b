import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.js';
import { rankDocuments } from './search.js';
import { indexOf } from './test/fixtures.js';

const titles = (index: ReturnType<typeof indexOf>, query: string, filters = {}, limit = 10) =>
  rankDocuments(index, parseQuery(query), filters, limit).hits.map((h) => h.record.title);

describe('rankDocuments', () => {
  const index = indexOf([
    {
      title: 'Deploying services',
      text: 'Roots are mentioned here. Roots again, roots everywhere: roots roots.',
    },
    { title: 'Roots', text: 'What the user granted.' },
    {
      title: 'Cancelling a task',
      text: 'A task can be cancelled while it is working.',
      category: 'guide',
      tags: ['tasks'],
    },
    {
      title: 'Input',
      text: 'The task state is input_required until the user answers.',
      category: 'guide',
      tags: ['tasks', 'ui'],
    },
    { title: 'Required reading', text: 'Required: the input of the form.' },
    { title: 'Code', text: 'server.experimental.tasks.registerToolTask(name)' },
  ]);

  it('ranks an exact title match above a body full of the word', () => {
    expect(titles(index, 'roots')[0]).toBe('Roots');
    expect(titles(index, 'roots')).toContain('Deploying services');
  });

  it('ranks a title match above a body match', () => {
    expect(titles(index, 'deploying')).toEqual(['Deploying services']);
    expect(titles(index, 'cancelling task')[0]).toBe('Cancelling a task');
  });

  it('finds a phrase only where its words are adjacent and in order', () => {
    expect(titles(index, '"input required"')).toEqual(['Input']);
    expect(titles(index, 'input required').sort()).toEqual(['Input', 'Required reading']);
  });

  it('matches prefixes, longer forms and typos', () => {
    expect(titles(index, 'cancel*')).toEqual(['Cancelling a task']);
    expect(titles(index, 'cancel')).toEqual(['Cancelling a task']); // cancelled, cancelling
    expect(titles(index, 'workng')).toEqual(['Cancelling a task']); // one typo
    expect(titles(index, 'grnted~')).toEqual(['Roots']);
  });

  it('matches camelCase parts of code', () => {
    expect(titles(index, 'tool task')).toContain('Code');
  });

  it('excludes documents with an excluded word', () => {
    expect(titles(index, 'task -cancelled')).not.toContain('Cancelling a task');
  });

  it('filters by category and tags', () => {
    expect(titles(index, 'task*', { category: 'guide', tags: ['ui'] })).toEqual(['Input']);
    expect(titles(index, 'task*', { category: 'GUIDE' }).sort()).toEqual(['Cancelling a task', 'Input']);
    expect(titles(index, 'task*', { tags: ['absent'] })).toEqual([]);
  });

  it('falls back to documents with some of the words, and says so', () => {
    const ranked = rankDocuments(index, parseQuery('granted zebra'), {}, 10);
    expect(ranked.relaxed).toBe(true);
    expect(ranked.hits.map((h) => h.record.title)).toEqual(['Roots']);
    expect(rankDocuments(index, parseQuery('roots'), {}, 10).relaxed).toBe(false);
  });

  it('counts all matches but returns at most `limit`', () => {
    const ranked = rankDocuments(index, parseQuery('roots'), {}, 1);
    expect(ranked.total).toBe(2);
    expect(ranked.hits).toHaveLength(1);
  });

  it('returns the matched index terms for highlighting, not phrase words alone', () => {
    const [hit] = rankDocuments(index, parseQuery('cancel'), {}, 10).hits;
    expect(hit?.terms.sort()).toEqual(['cancelled', 'cancelling']);
    expect(rankDocuments(index, parseQuery('"input required"'), {}, 10).hits[0]?.terms).toEqual([]);
  });

  it('caps prefix expansion on a large vocabulary', () => {
    const letters = (i: number) => i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] ?? '');
    const words = Array.from({ length: 3000 }, (_, i) => `ab${letters(i)}`);
    const big = indexOf(words.map((w, i) => ({ title: `doc ${i}`, text: `${w} filler` })));
    expect(big.terms).toBeDefined(); // MiniSearch internals still as expected: the capped path runs
    const ranked = rankDocuments(big, parseQuery('ab*'), {}, 10);
    expect(ranked.total).toBeGreaterThan(0);
    expect(ranked.total).toBeLessThanOrEqual(25);
  });
});
