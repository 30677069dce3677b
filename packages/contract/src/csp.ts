/**
 * Content-Security-Policy of the UI, shared by every host that serves it.
 *
 * `RENDERER_CSP` is the policy of the built renderer. It must equal the
 * <meta http-equiv="Content-Security-Policy"> in renderer/index.html (a unit test
 * checks this). No inline scripts or styles, no eval, nothing remote.
 */
const directives = (entries: Record<string, string>): string =>
  Object.entries(entries)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

const base = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

/** Policy of the built renderer (meta tag in index.html, Electron file:// load). */
export const RENDERER_CSP = directives(base);

/** Policy sent as an HTTP header (web host, Electron dev server): adds what a meta tag cannot carry. */
export const RENDERER_CSP_HEADER = directives({ ...base, 'frame-ancestors': "'none'" });

/**
 * Policy for the Vite dev server only (`electron-vite dev`): Vite injects the React
 * refresh preamble as an inline script, CSS as <style> tags and uses a WebSocket for HMR.
 * Never used for a built app.
 */
export const DEV_SERVER_CSP = directives({
  ...base,
  'script-src': "'self' 'unsafe-inline'",
  'style-src': "'self' 'unsafe-inline'",
  'connect-src': "'self' ws://localhost:* ws://127.0.0.1:*",
});
