import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_PAGE_CSP, type CallbackPage, callbackPageHtml } from './callback-page.js';

/** What the listener does with a redirect: `done` closes it (the sign-in is settled either way). */
export type RedirectHandler = (params: URLSearchParams) => Promise<{ page: CallbackPage; done: boolean }>;

const CALLBACK_PATH = '/callback';

/**
 * A one-shot redirect listener for a native app's sign-in (RFC 8252 §7.3): HTTP on 127.0.0.1
 * at a port the system picks, answering GET /callback only. It closes once a redirect settled
 * its sign-in, or when the sign-in is given up; a redirect with a wrong `state` is refused and
 * leaves it listening. Every listener is guarded: a bad request never throws.
 */
export class LoopbackRedirect {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async open(handle: RedirectHandler): Promise<LoopbackRedirect> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const redirect = new LoopbackRedirect(server, `http://127.0.0.1:${port}${CALLBACK_PATH}`);
    server.on('error', () => redirect.close());
    server.on('request', (req, res) => {
      const reply = (page: CallbackPage) => {
        res.writeHead(page.status, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': CALLBACK_PAGE_CSP,
          'Cache-Control': 'no-store',
          'Referrer-Policy': 'no-referrer',
          'X-Content-Type-Options': 'nosniff',
          Connection: 'close',
        });
        res.end(callbackPageHtml(page));
      };
      req.resume();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (
        req.method !== 'GET' ||
        url.pathname !== CALLBACK_PATH ||
        req.headers.host !== `127.0.0.1:${port}`
      ) {
        reply({ status: 404, title: 'Not found', message: 'This address only takes a sign-in redirect.' });
        return;
      }
      handle(url.searchParams).then(
        ({ page, done }) => {
          reply(page);
          if (done) redirect.close();
        },
        (error: unknown) =>
          reply({
            status: 500,
            title: 'Sign-in failed',
            message: (error as Error)?.message ?? String(error),
          }),
      );
    });
    return redirect;
  }

  /** Stops listening; a page being answered is still sent. */
  close(): void {
    this.server.close();
    this.server.closeIdleConnections();
  }
}
