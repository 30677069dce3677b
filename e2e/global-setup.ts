import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../scripts/build-state.mjs';
import { findChromium } from '../scripts/chromium.mjs';

/**
 * Before any spec: a Chromium to run them in (else one clear message instead of a failure per
 * test), and the built app from out/ (built when missing or stale; a no-op after `npm run build`).
 */
export default function globalSetup(): void {
  const chromium = findChromium({ root: fileURLToPath(new URL('..', import.meta.url)) });
  if (!chromium.found) throw new Error(chromium.reason);
  ensureBuilt();
}
