import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('findChromium', () => {
  it("prefers the system's Chromium", () => {
    expect(
      findChromium({ root, system: ['/nope', '/usr/bin/x'], exists: (p) => p === '/usr/bin/x' }),
    ).toEqual({
      found: true,
      path: '/usr/bin/x',
      source: 'system',
    });
  });

  it("falls back to Playwright's download when it is there", () => {
    const found = findChromium({ root, system: ['/nope'], exists: (p) => p.includes('ms-playwright') });
    expect(found).toMatchObject({ found: true, source: 'playwright' });
  });

  it('says what is missing and how to get it when there is none', () => {
    const missing = findChromium({ root, system: ['/usr/bin/chromium'], exists: () => false });
    expect(missing.found).toBe(false);
    expect(!missing.found && missing.reason).toMatch(
      /^No Chromium found \(looked for \/usr\/bin\/chromium, .*\)\. .*apt-get install -y chromium.*npx playwright install chromium/,
    );
  });
});
