import type { ServerInfo } from '@taskdeck/contract';
import { useState } from 'react';
import { signIn, signOut } from '../state/actions';
import { Button } from './ui';

/**
 * A remote server's sign-in: "Sign in" when it needs one (or more access), the page to finish
 * it while the browser is out, and who is signed in with "Sign out".
 */
export function ServerSignIn({ server }: { server: ServerInfo }) {
  const [busy, setBusy] = useState(false);
  const [pageUrl, setPageUrl] = useState<string>();
  const { auth } = server;
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    await action();
    setBusy(false);
  };
  const wanted = server.status === 'needs_sign_in' || (auth?.needsScopes?.length ?? 0) > 0;
  if (!auth && !wanted) return null;
  return (
    <div data-testid="server-sign-in" data-state={auth?.state} className="space-y-1 text-xs">
      {auth?.state === 'signed_in' && (
        <p className="text-neutral-600 dark:text-neutral-300">
          Signed in{auth.authorizationServer && ` at ${auth.authorizationServer}`}
          {auth.scopes && auth.scopes.length > 0 && ` · ${auth.scopes.join(' ')}`}
        </p>
      )}
      {auth?.needsScopes && auth.needsScopes.length > 0 && (
        <p className="text-violet-800 dark:text-violet-300">
          It asks for more access: {auth.needsScopes.join(' ')}.
        </p>
      )}
      {auth?.state === 'pending' && (
        <p role="status" className="text-neutral-600 dark:text-neutral-300">
          Finish signing in in your browser.{' '}
          {pageUrl && (
            <a href={pageUrl} target="_blank" rel="noopener noreferrer" className="underline">
              Open the sign-in page
            </a>
          )}
        </p>
      )}
      <div className="flex flex-wrap gap-1.5">
        {wanted && (
          <Button
            small
            onClick={() => void run(async () => setPageUrl(await signIn(server.name)))}
            disabled={busy}
            aria-label={`Sign in to ${server.name}`}
          >
            {auth?.state === 'pending' ? 'Sign in again' : 'Sign in'}
          </Button>
        )}
        {auth?.state === 'signed_in' && (
          <Button
            small
            variant="ghost"
            onClick={() => void run(() => signOut(server.name))}
            disabled={busy}
            aria-label={`Sign out of ${server.name}`}
          >
            Sign out
          </Button>
        )}
      </div>
    </div>
  );
}
