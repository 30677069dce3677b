// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { reactRoot } from '../../test/react-root';
import { CsvProfileView } from './CsvProfileView';
import { type CsvProfile, classifyResult } from './shapes';

type Column = CsvProfile['columns'][number];
const column = (patch: Partial<Column>): Column => ({
  name: 'c',
  type: 'integer',
  count: 3,
  nulls: 0,
  empty: 0,
  distinct: { count: 3, exact: true, allDistinct: false },
  min: 1,
  max: 3,
  mean: 2,
  stddev: 1,
  topValues: { values: [] },
  histogram: null,
  truncated: false,
  ...patch,
});

function profile(columns: Column[], omittedColumns = 0): CsvProfile {
  const raw = {
    file: { path: '/data/x.csv', bytes: 100, encoding: 'utf-8', delimiter: ',', hasHeader: true },
    rows: 3,
    columnCount: columns.length + omittedColumns,
    complete: true,
    elapsedMs: 5,
    raggedRows: { count: 0 },
    warnings: [],
    detail: { topValues: 10, histogramBins: 40, omittedColumns },
    columns,
  };
  const classified = classifyResult('analyze_csv', raw);
  if (classified.kind !== 'csv-profile') throw new Error('not recognised as a CSV profile');
  return classified.data;
}

const dom = reactRoot();

const card = (name: string) =>
  [...dom.container.querySelectorAll('[data-testid=column-card]')].find(
    (c) => c.querySelector('h4')?.textContent === name,
  ) as HTMLElement;

describe('CsvProfileView', () => {
  it('says a column is all distinct (estimated or not) instead of listing top values', () => {
    const ids = column({ name: 'id', distinct: { count: 200_000, exact: false, allDistinct: true } });
    const city = column({
      name: 'city',
      type: 'string',
      distinct: { count: 2, exact: true, allDistinct: false },
      topValues: { values: [{ value: 'Oslo', count: 2 }] },
    });
    act(() => dom.root.render(<CsvProfileView profile={profile([ids, city])} />));
    const distinct = [...card('id').querySelectorAll('dt')].find((dt) => dt.textContent === 'distinct');
    expect(distinct?.nextElementSibling?.textContent).toBe('≈all');
    expect(card('id').textContent).toContain('Every value occurs once');
    expect(card('id').textContent).not.toContain('Top values');
    expect(card('city').textContent).toContain('Top values');
    expect(card('city').textContent).not.toContain('Every value occurs once');
  });

  it('draws inclusive integer bins as single values, from min to max', () => {
    const bins = [1, 2, 3, 4, 5].map((v) => ({ from: v, to: v, count: 10 * v }));
    const rating = column({ name: 'rating', min: 1, max: 5, histogram: { bins, inclusive: true } });
    act(() => dom.root.render(<CsvProfileView profile={profile([rating])} />));
    const figure = card('rating').querySelector('figure') as HTMLElement;
    const axis = [...figure.querySelectorAll('figcaption span')].map((s) => s.textContent);
    expect(axis).toEqual(['1', '5']);
    const titles = [...figure.querySelectorAll('[title]')].map((b) => b.getAttribute('title'));
    expect(titles[0]).toBe('1: 10');
    expect(titles.at(-1)).toBe('5: 50');
  });

  it('says when long values are cut and when columns are left out', () => {
    const note = column({
      name: 'note',
      type: 'string',
      truncated: true,
      max: `${'x'.repeat(200)}… (5,000 chars)`,
    });
    act(() => dom.root.render(<CsvProfileView profile={profile([note], 7_631)} />));
    expect(card('note').textContent).toContain('Long text values are cut to their first 200 characters');
    expect(dom.container.textContent).toContain('7,631 columns not shown');
  });
});
