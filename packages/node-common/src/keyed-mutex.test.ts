import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs holders of one key one at a time, in order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const hold = async (name: string) => {
      const release = await mutex.acquire('k');
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      events.push(`end ${name}`);
      release();
    };
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.isLocked('k')).toBe(false);
  });

  it('does not make different keys wait', async () => {
    const mutex = new KeyedMutex();
    await mutex.acquire('a');
    const release = await mutex.acquire('b');
    expect(mutex.isLocked('a')).toBe(true);
    release();
    expect(mutex.isLocked('b')).toBe(false);
  });

  it('lets a waiter give up on abort without blocking those behind it', async () => {
    const mutex = new KeyedMutex();
    const releaseFirst = await mutex.acquire('k');
    const controller = new AbortController();
    const second = mutex.acquire('k', controller.signal);
    const third = mutex.acquire('k');
    controller.abort(new Error('cancelled'));
    await expect(second).rejects.toThrow('cancelled');
    releaseFirst();
    const releaseThird = await third;
    releaseThird();
    expect(mutex.isLocked('k')).toBe(false);
  });
});
