import { SESSION_META_NAME } from '@taskdeck/contract';

const STORAGE_KEY = 'taskdeck.session';

/**
 * The page's web host session (see apps/web/src/access.ts): a page loaded with `?token=` finds a
 * fresh one in a `<meta>` tag and keeps it in sessionStorage, which the browser isolates per
 * tab and per port and never sends anywhere, so a reload (F5) keeps working. The token is
 * then removed from the address bar. Undefined when the page was opened without the token.
 */
export function takeSession(page: Window = window): string | undefined {
  const meta = page.document.querySelector(`meta[name="${SESSION_META_NAME}"]`);
  const fresh = meta?.getAttribute('content') || undefined;
  meta?.remove();
  let session = fresh;
  try {
    if (fresh) page.sessionStorage.setItem(STORAGE_KEY, fresh);
    else session = page.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    // Storage disabled: this page works until it is reloaded.
  }
  const address = new URL(page.location.href);
  if (address.searchParams.has('token')) {
    address.searchParams.delete('token');
    page.history.replaceState(page.history.state, '', address.href);
  }
  return session;
}
