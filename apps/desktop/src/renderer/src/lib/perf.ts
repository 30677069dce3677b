/**
 * Renderer timing for bench/ui, off unless the page URL has `perf=1`: from a hub event's
 * arrival on the socket to the end of the React commit it caused (parse, validation, reducer,
 * render and commit run in one task: zustand's external-store updates render synchronously).
 */
const enabled = typeof location !== 'undefined' && new URLSearchParams(location.search).get('perf') === '1';
let receivedAt: number | undefined;
const samples: number[] = [];

declare global {
  interface Window {
    __taskdeckPerf?: { samples: number[]; reset(): void };
  }
}

if (enabled) window.__taskdeckPerf = { samples, reset: () => samples.splice(0) };

export const perf = {
  enabled,
  /** Bench only: render every row (no windowing), to measure the anchor in the same run. */
  windowingOff: enabled && new URLSearchParams(location.search).get('windowing') === 'off',
  received(): void {
    if (enabled) receivedAt = performance.now();
  },
  committed(): void {
    if (enabled && receivedAt !== undefined) {
      samples.push(performance.now() - receivedAt);
      receivedAt = undefined;
    }
  },
};
