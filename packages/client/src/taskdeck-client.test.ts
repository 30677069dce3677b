import type { ConnectionState, HubEvent } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { commandMethods, createTaskdeckClient } from './taskdeck-client.js';
import type { Transport } from './transport.js';

/** A transport whose hub is the test: it answers requests and pushes events by hand. */
function fakeTransport(answer: (channel: string, args: unknown[]) => unknown) {
  const events = new Set<(raw: unknown) => void>();
  const connections = new Set<(state: ConnectionState) => void>();
  const requests: { channel: string; args: unknown[] }[] = [];
  let state: ConnectionState = { state: 'connecting' };
  const transport: Transport = {
    async request(channel, args) {
      requests.push({ channel, args });
      return answer(channel, args);
    },
    onEvent(listener) {
      events.add(listener);
      return () => events.delete(listener);
    },
    onConnection(listener) {
      connections.add(listener);
      listener(state);
      return () => connections.delete(listener);
    },
    close() {},
  };
  return {
    transport,
    requests,
    push: (raw: unknown) => {
      for (const listener of events) listener(raw);
    },
    setState: (next: ConnectionState) => {
      state = next;
      for (const listener of connections) listener(next);
    },
  };
}

const snapshot: HubEvent = { type: 'snapshot', servers: [], tasks: [], roots: ['/data'] };

describe('createTaskdeckClient', () => {
  it('validates results against the contract and refuses a shape it does not allow', async () => {
    const fake = fakeTransport((channel) => (channel === 'hub:roots' ? ['/a'] : { taskId: 42 }));
    const client = createTaskdeckClient(fake.transport);
    expect(await client.roots()).toEqual(['/a']);
    await expect(client.startTool({ server: 's', tool: 't', arguments: {} })).rejects.toThrow(
      'hub:start-tool: the hub answered with an unexpected shape',
    );
    expect(fake.requests[1]).toEqual({
      channel: 'hub:start-tool',
      args: [{ server: 's', tool: 't', arguments: {} }],
    });
  });

  it("passes the hub's error message through", async () => {
    const fake = fakeTransport(() => {
      throw new Error('Task abc already ended (completed).');
    });
    await expect(createTaskdeckClient(fake.transport).cancelTask('abc')).rejects.toThrow(
      'Task abc already ended (completed).',
    );
  });

  it('subscribes when the first listener comes while open, and again after every reconnect', async () => {
    const fake = fakeTransport(() => null);
    const client = createTaskdeckClient(fake.transport);
    const subscribes = () => fake.requests.filter((r) => r.channel === 'hub:subscribe').length;
    fake.setState({ state: 'open' });
    expect(subscribes()).toBe(0); // nobody listens yet
    const seen: HubEvent[] = [];
    client.onEvent((event) => seen.push(event));
    expect(subscribes()).toBe(1);
    fake.setState({ state: 'closed', reason: 'gone', retryInMs: 500 });
    fake.setState({ state: 'connecting' });
    fake.setState({ state: 'open' });
    expect(subscribes()).toBe(2);
    fake.push(snapshot);
    expect(seen).toEqual([snapshot]);
  });

  it('drops malformed events with a warning, and a throwing listener stops neither the others nor the client', () => {
    const fake = fakeTransport(() => null);
    const warnings: string[] = [];
    const client = createTaskdeckClient(fake.transport, { warn: (message) => warnings.push(message) });
    const seen: HubEvent[] = [];
    client.onEvent(() => {
      throw new Error('listener bug');
    });
    client.onEvent((event) => seen.push(event));
    fake.push({ type: 'snapshot', servers: 'nope' });
    fake.push(snapshot);
    expect(seen).toEqual([snapshot]);
    expect(warnings[0]).toMatch(/^dropped a malformed hub event/);
    expect(warnings[1]).toBe('a listener failed: listener bug');
  });

  it('stops delivering to a listener once it unsubscribes', () => {
    const fake = fakeTransport(() => null);
    const client = createTaskdeckClient(fake.transport);
    const seen: HubEvent[] = [];
    const off = client.onEvent((event) => seen.push(event));
    off();
    fake.push(snapshot);
    expect(seen).toEqual([]);
  });
});

describe('commandMethods', () => {
  it('binds any command group to the transport', async () => {
    const fake = fakeTransport(() => '/home/me/project');
    const group = {
      pick: {
        channel: 'dialog:pick',
        args: {} as never,
        result: { safeParse: (v: unknown) => ({ success: true, data: v }) },
      },
    };
    const methods = commandMethods(fake.transport, group as never) as Record<string, () => Promise<unknown>>;
    expect(await methods.pick?.()).toBe('/home/me/project');
    expect(fake.requests).toEqual([{ channel: 'dialog:pick', args: [] }]);
  });
});
