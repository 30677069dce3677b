import { describe, expect, it } from 'vitest';
import { secretsEqual } from './secrets';

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', () => {
    expect(secretsEqual('6a1a0cf6', '6a1a0cf6')).toBe(true);
    expect(secretsEqual('6a1a0cf6', '6a1a0cf7')).toBe(false);
    expect(secretsEqual('6a1a0cf6', '6a1a0cf')).toBe(false);
    expect(secretsEqual('', '6a1a0cf6')).toBe(false);
    expect(secretsEqual('é', 'e\u0301')).toBe(false);
  });
});
