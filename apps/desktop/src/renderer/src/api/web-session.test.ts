// @vitest-environment happy-dom

import { SESSION_META_NAME } from '@taskdeck/contract';
import { beforeEach, describe, expect, it } from 'vitest';
import { takeSession } from './web-session';

function servePage(session?: string) {
  document.head.innerHTML = session ? `<meta name="${SESSION_META_NAME}" content="${session}">` : '';
}

describe('takeSession', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('keeps the session of a page loaded with the token and removes the token from the address', () => {
    history.replaceState(null, '', '/?token=abc&perf=1#top');
    servePage('nonce.mac');
    expect(takeSession()).toBe('nonce.mac');
    expect(location.search).toBe('?perf=1');
    expect(location.hash).toBe('#top');
    expect(sessionStorage.getItem('taskdeck.session')).toBe('nonce.mac');
    expect(document.querySelector(`meta[name="${SESSION_META_NAME}"]`)).toBeNull();
  });

  it('finds it again after a reload, without a token in the address', () => {
    servePage('first.mac');
    takeSession();
    servePage();
    expect(takeSession()).toBe('first.mac');
  });

  it('prefers a fresh session over an older one of the same tab', () => {
    servePage('old.mac');
    takeSession();
    servePage('new.mac');
    expect(takeSession()).toBe('new.mac');
  });

  it('has none when the page was opened without the token', () => {
    servePage();
    expect(takeSession()).toBeUndefined();
  });
});
