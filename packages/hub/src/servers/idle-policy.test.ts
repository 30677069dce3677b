import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdlePolicy } from './idle-policy.js';

describe('IdlePolicy', () => {
  let stopped: string[];
  let policy: IdlePolicy;
  beforeEach(() => {
    vi.useFakeTimers();
    stopped = [];
    policy = new IdlePolicy(1000, (server) => stopped.push(server));
  });
  afterEach(() => {
    policy.dispose();
    vi.useRealTimers();
  });

  it('stops a ready server once it has been idle for the idle time', () => {
    policy.serverReady('a');
    vi.advanceTimersByTime(999);
    expect(stopped).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(stopped).toEqual(['a']);
  });

  it('never stops a server while a call runs on it, however long, and counts from the last call end', () => {
    policy.serverReady('a');
    policy.callStarted('a');
    policy.callStarted('a');
    vi.advanceTimersByTime(60_000);
    policy.callEnded('a');
    vi.advanceTimersByTime(60_000);
    expect(stopped).toEqual([]); // one call still runs (say, waiting for the user's answer)
    policy.callEnded('a');
    vi.advanceTimersByTime(999);
    expect(stopped).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(stopped).toEqual(['a']);
  });

  it('restarts the idle time when a call comes and goes', () => {
    policy.serverReady('a');
    vi.advanceTimersByTime(900);
    policy.callStarted('a');
    policy.callEnded('a');
    vi.advanceTimersByTime(900);
    expect(stopped).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(stopped).toEqual(['a']);
  });

  it('does not stop a server that went down, nor one not yet ready; servers are independent', () => {
    policy.callStarted('b'); // a call queued while b starts
    policy.serverReady('a');
    policy.serverDown('a');
    vi.advanceTimersByTime(5000);
    expect(stopped).toEqual([]);
    policy.serverReady('b');
    policy.serverReady('c');
    vi.advanceTimersByTime(1000);
    expect(stopped).toEqual(['c']);
    policy.callEnded('b');
    vi.advanceTimersByTime(1000);
    expect(stopped).toEqual(['c', 'b']);
  });

  it('refuses an idle time that is not positive', () => {
    expect(() => new IdlePolicy(0, () => {})).toThrow(/positive/);
    expect(() => new IdlePolicy(Number.NaN, () => {})).toThrow(/positive/);
  });
});
