import { describe, expect, it } from 'vitest';
import { DocumentIndex } from './document-index.js';
import { parseQuery } from './query.js';
import { rankDocuments } from './search.js';
import { documentOf, indexOf } from './test/fixtures.js';

const find = (index: DocumentIndex, query: string) =>
  rankDocuments(index, parseQuery(query), {}, 10).hits.map((h) => h.record.path);

describe('DocumentIndex transactions', () => {
  it('hides staged documents until commit, and a rollback forgets them', () => {
    const index = indexOf([{ title: 'Old', text: 'alpha', path: '/d/a.md' }]);
    const tx = index.begin();
    tx.put(documentOf({ title: 'New', text: 'beta', path: '/d/a.md' }));
    tx.put(documentOf({ title: 'Other', text: 'beta', path: '/d/b.md' }));
    expect(find(index, 'beta')).toEqual([]);
    expect(find(index, 'alpha')).toEqual(['/d/a.md']);
    expect(index.busy).toBe(true);
    tx.rollback();
    expect(index.busy).toBe(false);
    expect(find(index, 'beta')).toEqual([]);
    expect(index.get('/d/a.md')?.title).toBe('Old');
    expect(index.size).toBe(1);
  });

  it('replaces and removes documents at commit', () => {
    const index = indexOf([
      { title: 'Old', text: 'alpha', path: '/d/a.md' },
      { title: 'Gone', text: 'gamma', path: '/d/c.md' },
    ]);
    const version = index.version;
    const tx = index.begin();
    tx.put(documentOf({ title: 'New', text: 'beta', path: '/d/a.md' }));
    tx.remove('/d/c.md');
    tx.commit();
    expect(find(index, 'beta')).toEqual(['/d/a.md']);
    expect(find(index, 'alpha')).toEqual([]);
    expect(find(index, 'gamma')).toEqual([]);
    expect(index.size).toBe(1);
    expect(index.version).toBe(version + 1);
    expect(() => tx.commit()).toThrow(/already closed/);
  });

  it('restores from its serialized form, dropping documents of a transaction that was open at save time', () => {
    const index = indexOf([{ title: 'Kept', text: 'alpha', path: '/d/a.md' }]);
    const tx = index.begin();
    tx.put(documentOf({ title: 'Staged', text: 'beta', path: '/d/b.md' }));
    const terms = JSON.parse(index.serializeTerms());
    const restored = DocumentIndex.restore(terms, [...index.documents()]);
    expect(restored.size).toBe(1);
    expect(find(restored, 'alpha')).toEqual(['/d/a.md']);
    expect(find(restored, 'beta')).toEqual([]);
    // New documents get fresh ids, never one of the dropped ones.
    const next = restored.begin();
    next.put(documentOf({ title: 'Later', text: 'delta', path: '/d/c.md' }));
    next.commit();
    expect(find(restored, 'delta')).toEqual(['/d/c.md']);
  });

  it('refuses serialized parts that do not fit together', () => {
    const index = indexOf([{ title: 'A', text: 'alpha', path: '/d/a.md' }]);
    const terms = JSON.parse(index.serializeTerms());
    const doc = index.get('/d/a.md');
    if (!doc) throw new Error('document not indexed');
    expect(() => DocumentIndex.restore(terms, [{ ...doc, id: 999 }])).toThrow(/missing from the term index/);
    expect(() => DocumentIndex.restore({ nonsense: true }, [])).toThrow(/not a MiniSearch index/);
  });
});

describe('DocumentIndex.query', () => {
  it('ranks the same through the public MiniSearch API (the fallback if its internals change)', () => {
    const docs = [
      { title: 'Roots', text: 'granted folders' },
      { title: 'Deploy', text: 'roots roots and folders' },
      { title: 'Other', text: 'nothing here' },
    ];
    const collect = (index: DocumentIndex) => {
      const out: [string, number][] = [];
      for (const hit of rankDocuments(index, parseQuery('roots folders'), {}, 10).hits)
        out.push([hit.record.title, Math.round(hit.score * 1e6)]);
      return out;
    };
    const fast = collect(indexOf(docs));
    DocumentIndex.useInternals = false;
    try {
      expect(indexOf(docs).terms).toBeUndefined();
      expect(collect(indexOf(docs))).toEqual(fast);
    } finally {
      DocumentIndex.useInternals = true;
    }
    expect(fast.map(([title]) => title)).toEqual(['Roots', 'Deploy']);
  });
});
