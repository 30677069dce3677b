import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './throttle.js';

describe('Throttle', () => {
  let sent: string[];
  let throttle: Throttle<string>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new Throttle(
      (value) => sent.push(value),
      50,
      () => Date.now(),
    );
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first value at once and the latest of a burst at the end of the interval', () => {
    for (let i = 1; i <= 1000; i++) throttle.report(`v${i}`);
    expect(sent).toEqual(['v1']);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual(['v1', 'v1000']);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['v1', 'v1000']);
  });

  it('sends repeated values too (no comparison of values)', () => {
    throttle.report('same');
    vi.advanceTimersByTime(50);
    throttle.report('same');
    expect(sent).toEqual(['same', 'same']);
  });

  it('drop() forgets the pending value, and later values still go out', () => {
    throttle.report('a');
    throttle.report('b');
    throttle.drop();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['a']);
    throttle.report('c');
    expect(sent).toEqual(['a', 'c']);
  });

  it('close() flushes or drops the pending value, then refuses everything', () => {
    throttle.report('a');
    throttle.report('b');
    throttle.close({ flush: true });
    expect(sent).toEqual(['a', 'b']);
    expect(throttle.report('c')).toBe(false);

    const other: string[] = [];
    const dropping = new Throttle<string>(
      (v) => other.push(v),
      50,
      () => Date.now(),
    );
    dropping.report('x');
    dropping.report('y');
    dropping.close({ flush: false });
    vi.advanceTimersByTime(100);
    expect(other).toEqual(['x']);
  });
});
