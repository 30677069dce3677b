import { describe, expect, it } from 'vitest';
import { isInside } from './paths.js';

describe('isInside', () => {
  it('matches whole path segments only', () => {
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/x', '/')).toBe(true);
  });
});
