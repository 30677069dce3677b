import type { TaskdeckApi } from '@taskdeck/contract';

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload script). */
    readonly taskdeck?: TaskdeckApi;
  }
}
