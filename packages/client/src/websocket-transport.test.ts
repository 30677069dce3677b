import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createTaskdeckClient } from './taskdeck-client.js';
import { webSocketTransport } from './websocket-transport.js';

/** A hub on a real WebSocket on 127.0.0.1 speaking the wire format: roots, subscribe, events. */
async function fakeHub() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: string[] = [];
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      const { id, channel } = JSON.parse(text) as { id: number; channel: string };
      if (channel === 'hub:roots') ws.send(JSON.stringify({ id, ok: true, result: ['/data'] }));
      else if (channel === 'hub:subscribe') {
        ws.send(JSON.stringify({ id, ok: true, result: null }));
        ws.send(JSON.stringify({ event: { type: 'snapshot', servers: [], tasks: [], roots: [] } }));
      } else if (channel === 'hub:hang') {
        // never answers
      } else ws.send(JSON.stringify({ id, ok: false, error: `Unknown command ${channel}` }));
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return { server, url, received };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function transportTo(url: string, options: Partial<Parameters<typeof webSocketTransport>[0]> = {}) {
  const transport = webSocketTransport({
    url: () => url,
    WebSocket: WebSocket as never,
    warn: () => {},
    ...options,
  });
  closers.push(() => transport.close());
  return transport;
}

describe('webSocketTransport', () => {
  it('answers requests by id, queues those sent while connecting, and delivers events', async () => {
    const hub = await fakeHub();
    closers.push(() => hub.server.close());
    const client = createTaskdeckClient(transportTo(hub.url));
    const roots = client.roots(); // sent before the socket is open: queued
    expect(await roots).toEqual(['/data']);
    const event = await new Promise((resolve) => client.onEvent(resolve));
    expect(event).toMatchObject({ type: 'snapshot' });
    await expect(client.startServer('x')).rejects.toThrow('Unknown command hub:start-server');
  });

  it('refuses a request over the size limit before sending it, with a message a person can act on', async () => {
    const hub = await fakeHub();
    closers.push(() => hub.server.close());
    const client = createTaskdeckClient(transportTo(hub.url, { maxMessageBytes: 1000 }));
    await expect(client.grantRoots(['/x'.repeat(600)])).rejects.toThrow(
      /^This request \(1\.\d KB\) is larger than the 1000 B the Taskdeck web host accepts in one message: shorten the arguments/,
    );
    expect(await client.roots()).toEqual(['/data']);
    expect(hub.received.some((line) => line.includes('hub:grant-roots'))).toBe(false);
  });

  it('fails requests in flight when the connection drops, reports it, and reconnects by itself', async () => {
    const hub = await fakeHub();
    const transport = transportTo(hub.url, { timeoutMs: 10_000 });
    const states: string[] = [];
    transport.onConnection((state) => states.push(state.state));
    const hanging = transport.request('hub:hang', []);
    // Sent once the connection is open and the server has it.
    while (hub.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const ws of hub.server.clients) ws.terminate();
    await expect(hanging).rejects.toThrow(
      'The connection to the Taskdeck web host was lost; try again once it is back',
    );
    // It comes back (first retry after 500 ms).
    await expect(transport.request('hub:roots', [])).resolves.toEqual(['/data']);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    hub.server.close();
  });

  it('times a request out with the channel in the message', async () => {
    const hub = await fakeHub();
    closers.push(() => hub.server.close());
    const transport = transportTo(hub.url, { timeoutMs: 200 });
    await expect(transport.request('hub:hang', [])).rejects.toThrow(
      'hub:hang: no answer from the Taskdeck web host within 0.2 s',
    );
  });
});
