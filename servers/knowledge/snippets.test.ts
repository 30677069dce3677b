import { describe, expect, it } from 'vitest';
import { parseQuery, phrasePattern } from './query.js';
import { highlightAll, makeSnippet } from './snippets.js';

const highlighted = (s: { text: string; highlights: { start: number; end: number }[] }) =>
  s.highlights.map((h) => s.text.slice(h.start, h.end));

describe('makeSnippet', () => {
  const filler = 'Lorem ipsum dolor sit amet consectetur. '.repeat(20);
  const text = `${filler}Cancel a task with tasks/cancel.\n\n   The task then ends cancelled. ${filler}`;

  it('picks the passage with the matches, cut at words, with highlights on the matched words', () => {
    const snippet = makeSnippet(text, new Set(['cancel', 'task', 'cancelled']));
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text).toContain('Cancel a task with tasks/cancel. The task then ends cancelled.');
    expect(highlighted(snippet)).toEqual(['Cancel', 'task', 'cancel', 'task', 'cancelled']);
    expect(snippet.text.length).toBeLessThanOrEqual(205);
    // The offset points at the passage in the original text.
    expect(text.slice(snippet.offset).replace(/\s+/g, ' ')).toContain(snippet.text.slice(1, 40));
  });

  it('prefers the window with the most distinct terms', () => {
    const doc = `alpha ${'x '.repeat(200)} alpha alpha alpha ${'y '.repeat(200)} alpha beta ${'z '.repeat(200)}`;
    expect(highlighted(makeSnippet(doc, new Set(['alpha', 'beta'])))).toEqual(['alpha', 'beta']);
  });

  it('highlights a whole phrase and a camelCase part', () => {
    const phrase = phrasePattern(parseQuery('"input required"').phrases[0] as never);
    const snippet = makeSnippet('The task is input_required; see registerToolTask.', new Set(['tool']), [
      phrase,
    ]);
    expect(highlighted(snippet)).toEqual(['input_required', 'Tool']);
  });

  it('finds a match deep in a long document, across scan chunks', () => {
    const long = `${'filler words here '.repeat(5000)}the needle is here`;
    const snippet = makeSnippet(long, new Set(['needle']));
    expect(highlighted(snippet)).toEqual(['needle']);
    expect(snippet.offset).toBeGreaterThan(80_000);
  });

  it('starts at the beginning without ellipsis when there is no match in the text', () => {
    const snippet = makeSnippet('Short text only.', new Set(['absent']));
    expect(snippet).toEqual({ text: 'Short text only.', highlights: [], offset: 0 });
  });
});

describe('highlightAll', () => {
  it('marks every match in a title', () => {
    expect(highlightAll('MCP Tasks and tasks', new Set(['tasks']))).toEqual([
      { start: 4, end: 9 },
      { start: 14, end: 19 },
    ]);
  });
});
