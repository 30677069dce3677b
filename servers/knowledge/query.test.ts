import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, parseQuery, phrasePattern, QueryError } from './query.js';

describe('parseQuery', () => {
  it('reads words, phrases, prefixes, fuzzy words and exclusions', () => {
    const q = parseQuery('deploy "input required" roo* progres~ -staging');
    expect(q.terms).toEqual([
      { term: 'deploy', mode: 'auto' },
      { term: 'roo', mode: 'prefix' },
      { term: 'progres', mode: 'fuzzy' },
    ]);
    expect(q.phrases).toEqual([
      { words: ['input', 'required'], terms: ['input', 'required'], text: 'input required' },
    ]);
    expect(q.excluded).toEqual(['staging']);
  });

  it('keeps stop words inside a phrase but does not look them up', () => {
    const q = parseQuery('"state of the art"');
    expect(q.phrases[0]).toMatchObject({ words: ['state', 'of', 'the', 'art'], terms: ['state', 'art'] });
  });

  it('treats a hyphenated word as a phrase and drops stop words with a note', () => {
    const q = parseQuery('the tool-task');
    expect(q.phrases[0]?.words).toEqual(['tool', 'task']);
    expect(q.ignored).toEqual(['the']);
  });

  it('accepts an unclosed quote as a phrase to the end', () => {
    expect(parseQuery('"cancel the task').phrases[0]?.words).toEqual(['cancel', 'the', 'task']);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(MAX_QUERY_LENGTH + 1), /too long \(501 characters; at most 500\)/],
    ['the of and', /only common words \(the, of, and\)/],
    ['"to be or not"', /phrase "to be or not" has only common words/],
    ['-staging', /only excludes words/],
    ['a*', /prefix needs at least 2 letters \(a\*\)/],
    ['ab~', /Fuzzy matching needs at least 3 letters/],
    ['-"two words"', /Excluding a phrase is not supported/],
    ['!!! ???', /no letters or digits/],
    [Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), /too many words \(40; at most 32\)/],
  ])('refuses %j with a clear message', (query, message) => {
    expect(() => parseQuery(query)).toThrow(QueryError);
    expect(() => parseQuery(query)).toThrow(message);
  });
});

describe('phrasePattern', () => {
  it('matches the words in order across punctuation and case, not inside longer words', () => {
    const pattern = phrasePattern(parseQuery('"input required"').phrases[0] as never);
    expect('status: Input_Required.'.match(pattern)?.[0]).toBe('Input_Required');
    expect(pattern.test('inputs required')).toBe(false);
    pattern.lastIndex = 0;
    expect(pattern.test('required input')).toBe(false);
  });
});
