import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEV_SERVER_CSP, RENDERER_CSP, RENDERER_CSP_HEADER } from './csp';

const indexHtml = readFileSync(
  new URL('../../../apps/desktop/src/renderer/index.html', import.meta.url),
  'utf8',
);

describe('content security policy', () => {
  it('renderer/index.html carries exactly RENDERER_CSP in its meta tag', () => {
    const match = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(indexHtml);
    expect(match?.[1]).toBe(RENDERER_CSP);
  });

  it('the production policies allow no inline code, no eval and no remote origin', () => {
    for (const policy of [RENDERER_CSP, RENDERER_CSP_HEADER]) {
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(policy).not.toMatch(/https?:|\*/);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("object-src 'none'");
    }
    expect(RENDERER_CSP_HEADER).toContain("frame-ancestors 'none'");
  });

  it('the dev server policy only loosens what Vite needs and stays local', () => {
    expect(DEV_SERVER_CSP).not.toContain('unsafe-eval');
    expect(DEV_SERVER_CSP).toContain("connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
  });
});
