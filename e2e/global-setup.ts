import { ensureBuilt } from '../scripts/build-state.mjs';

/** The specs run the built app from out/: build it when missing or stale (no-op after `npm run build`). */
export default function globalSetup(): void {
  ensureBuilt();
}
