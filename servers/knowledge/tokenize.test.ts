import { describe, expect, it } from 'vitest';
import { indexTerms, normalize, tokenize, wordKey } from './tokenize.js';

describe('tokenize', () => {
  it('gives words with offsets that point back into the text', () => {
    const text = 'Cancel the task, then retry.';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.term)).toEqual(['cancel', 'the', 'task', 'then', 'retry']);
    for (const t of tokens) expect(normalize(text.slice(t.start, t.end))).toBe(t.term);
  });

  it('splits camelCase, PascalCase, acronyms and digits into parts', () => {
    const [token] = tokenize('registerToolTask');
    expect(token?.parts?.map((p) => p.term)).toEqual(['register', 'tool', 'task']);
    expect(tokenize('HTTPServer2')[0]?.parts?.map((p) => p.term)).toEqual(['http', 'server', '2']);
    expect(tokenize('plain')[0]?.parts).toBeUndefined();
  });

  it('folds case and accents', () => {
    expect(tokenize('Café ÉTÉ')).toMatchObject([{ term: 'cafe' }, { term: 'ete' }]);
  });

  it('indexes words and parts but no stop words or giant tokens', () => {
    expect(indexTerms(`The TaskStore and ${'x'.repeat(100)}`)).toEqual(['taskstore', 'task', 'store']);
  });

  it('makes an order-free key of a title', () => {
    expect(wordKey('The MCP Tasks')).toBe(wordKey('tasks of mcp'));
  });
});
