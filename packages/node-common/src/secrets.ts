import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (tokens, OAuth states, MACs) are the same, compared in constant time
 * for equal lengths, so a caller cannot learn a secret a character at a time from timing.
 */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
