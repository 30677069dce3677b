import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, isBlocking, parseCsv, runSecurityCheck } from '../scripts/security-check.mjs';

const root = resolve(import.meta.dirname, '..');

describe('Electron security (electronegativity over the built app)', () => {
  it('parses the CSV report, quoted commas, quotes and newlines included', () => {
    expect(parseCsv('a, b\nX,"say ""hi"", then\nbye",3\n')).toEqual([
      ['a', ' b'],
      ['X', 'say "hi", then\nbye', '3'],
    ]);
  });

  it('blocks high and medium findings unless reviewed and justified', () => {
    const finding = {
      confidence: 'FIRM',
      location: '1:1',
      sample: '',
      description: '',
      file: 'out/main/index.js',
    };
    expect(isBlocking({ ...finding, issue: 'AUXCLICK_JS_CHECK', severity: 'MEDIUM' })).toBe(true);
    expect(isBlocking({ ...finding, issue: 'NODE_INTEGRATION_JS_CHECK', severity: 'HIGH' })).toBe(true);
    expect(isBlocking({ ...finding, issue: 'CSP_GLOBAL_CHECK', severity: 'LOW' })).toBe(false);
    expect(isBlocking({ ...finding, issue: 'PRELOAD_JS_CHECK', severity: 'MEDIUM' })).toBe(false);
    expect(
      isBlocking({ ...finding, issue: 'PRELOAD_JS_CHECK', severity: 'MEDIUM', file: 'out/other.js' }),
    ).toBe(true);
  });

  it('has no high or medium findings beyond the justified ones', () => {
    if (!existsSync(join(root, 'out', 'main', 'index.js')))
      throw new Error('out/main is missing: run npm run build first');
    const { findings, blocking } = runSecurityCheck();
    expect(findings.length).toBeGreaterThan(0); // it did scan something
    expect(blocking.map(formatFinding)).toEqual([]);
  }, 120_000);
});
