import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

describe('RestartPolicy', () => {
  it('backs off exponentially, up to the maximum', () => {
    const policy = new RestartPolicy({
      initialDelayMs: 100,
      maxDelayMs: 300,
      maxCrashes: 10,
      windowMs: 60_000,
    });
    const delays = [1, 2, 3, 4].map((i) => policy.onCrash(i));
    expect(delays).toEqual([
      { action: 'restart', delayMs: 100 },
      { action: 'restart', delayMs: 200 },
      { action: 'restart', delayMs: 300 },
      { action: 'restart', delayMs: 300 },
    ]);
  });

  it('gives up after maxCrashes within the window, and forgets old crashes', () => {
    const policy = new RestartPolicy({ maxCrashes: 3, windowMs: 1000 });
    expect(policy.onCrash(0).action).toBe('restart');
    expect(policy.onCrash(100).action).toBe('restart');
    expect(policy.onCrash(5000).action).toBe('restart');
    expect(policy.onCrash(5100).action).toBe('restart');
    expect(policy.onCrash(5200)).toEqual({ action: 'give-up', crashes: 3 });
    policy.reset();
    expect(policy.onCrash(5300)).toEqual({ action: 'restart', delayMs: 500 });
  });
});
