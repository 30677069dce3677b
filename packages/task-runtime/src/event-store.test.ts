import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { BoundedEventStore } from './event-store.js';

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { n },
});

async function replay(store: BoundedEventStore, lastEventId: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayEventsAfter(lastEventId, {
    send: async (id, message) => {
      sent.push([id, message]);
    },
  });
  return { streamId, sent };
}

describe('BoundedEventStore', () => {
  it('replays the events of the same stream after the last one seen, skipping priming events', async () => {
    const store = new BoundedEventStore();
    const priming = await store.storeEvent('post-1', {} as JSONRPCMessage);
    const a1 = await store.storeEvent('get', note(1));
    await store.storeEvent('post-1', note(2));
    const a3 = await store.storeEvent('get', note(3));
    await store.storeEvent('get', {} as JSONRPCMessage);
    const a4 = await store.storeEvent('get', note(4));
    expect(await store.getStreamIdForEventId(a1)).toBe('get');
    expect(await replay(store, a1)).toEqual({
      streamId: 'get',
      sent: [
        [a3, note(3)],
        [a4, note(4)],
      ],
    });
    expect((await replay(store, priming)).sent.map(([, m]) => m)).toEqual([note(2)]);
  });

  it('keeps at most maxEvents and maxBytes, the oldest going first, the newest always', async () => {
    const store = new BoundedEventStore({ maxEvents: 3, maxBytes: 1_000 });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await store.storeEvent('get', note(n)));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId(ids[1] as string)).toBeUndefined();
    await expect(replay(store, ids[1] as string)).rejects.toThrow('is not known (any more)');
    expect((await replay(store, ids[2] as string)).sent.map(([id]) => id)).toEqual(ids.slice(3));

    const big = {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { text: 'x'.repeat(2_000) },
    } as const;
    const bigId = await store.storeEvent('get', big);
    expect(store.size).toBe(1);
    expect(await store.getStreamIdForEventId(bigId)).toBe('get');
    await store.storeEvent('get', note(9));
    expect(store.size).toBe(1);
  });
});
