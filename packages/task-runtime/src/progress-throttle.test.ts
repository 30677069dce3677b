import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle, type ProgressUpdate } from './progress-throttle.js';

describe('ProgressThrottle', () => {
  let sent: ProgressUpdate[];
  let throttle: ProgressThrottle;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new ProgressThrottle(
      (u) => sent.push(u),
      50,
      () => Date.now(),
    );
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first update at once', () => {
    throttle.report({ progress: 0, total: 10, message: 'start' });
    expect(sent).toEqual([{ progress: 0, total: 10, message: 'start' }]);
  });

  it('turns a tight loop into at most one send per interval, ending with the latest value', () => {
    for (let i = 1; i <= 100_000; i++) throttle.report({ progress: i, total: 100_000 });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(50);
    expect(sent).toHaveLength(2);
    expect(sent.at(-1)).toEqual({ progress: 100_000, total: 100_000 });
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('refuses progress that does not increase', () => {
    expect(throttle.report({ progress: 5 })).toBe(true);
    expect(throttle.report({ progress: 5, message: 'same' })).toBe(false);
    expect(throttle.report({ progress: 3 })).toBe(false);
    vi.advanceTimersByTime(100);
    expect(sent.map((u) => u.progress)).toEqual([5]);
  });

  it('flushes the pending update on close({ flush: true })', () => {
    throttle.report({ progress: 1 });
    throttle.report({ progress: 2 });
    throttle.close({ flush: true });
    expect(sent.map((u) => u.progress)).toEqual([1, 2]);
    throttle.report({ progress: 3 });
    vi.advanceTimersByTime(100);
    expect(sent.map((u) => u.progress)).toEqual([1, 2]);
  });

  it('drops the pending update on close({ flush: false }) (no progress after cancel)', () => {
    throttle.report({ progress: 1 });
    throttle.report({ progress: 2 });
    throttle.close({ flush: false });
    vi.advanceTimersByTime(100);
    expect(sent.map((u) => u.progress)).toEqual([1]);
  });
});
