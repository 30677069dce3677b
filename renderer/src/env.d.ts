import type { TaskdeckApi } from '../../contract/api';

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload script). */
    readonly taskdeck?: TaskdeckApi;
  }
}
