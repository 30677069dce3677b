import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSocketTransport } from './socket-transport.js';
import { createTaskdeckClient } from './taskdeck-client.js';

const TOKEN = 'a'.repeat(64);
const APP = { version: '1.2.3', platform: 'linux', host: 'electron' };

/** A hub endpoint speaking the wire format on a Unix socket: hello, roots, subscribe. */
async function fakeEndpoint(behaviour: 'normal' | 'refuse' | 'silent' = 'normal') {
  const dir = mkdtempSync(join(tmpdir(), 'socket-transport-'));
  const path =
    process.platform === 'win32' ? `\\\\.\\pipe\\taskdeck-test-${Date.now()}` : join(dir, 'hub.sock');
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (behaviour === 'silent') continue;
        if ('hello' in message) {
          const ok = behaviour === 'normal' && message.hello.token === TOKEN;
          socket.write(`${JSON.stringify(ok ? { welcome: APP } : { refused: 'wrong token' })}\n`);
          if (!ok) socket.end();
        } else if (message.channel === 'hub:roots') {
          socket.write(`${JSON.stringify({ id: message.id, ok: true, result: ['/x'] })}\n`);
        } else if (message.channel === 'hub:subscribe') {
          socket.write(`${JSON.stringify({ id: message.id, ok: true, result: null })}\n`);
          socket.write(
            `${JSON.stringify({ event: { type: 'snapshot', servers: [], tasks: [], roots: [] } })}\n`,
          );
        } else if (message.channel === 'hub:bye') {
          socket.destroy();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, server };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('connectSocketTransport', () => {
  it('says hello with the token, learns who runs the hub, then carries commands and events', async () => {
    const { path } = await fakeEndpoint();
    const { transport, hub } = await connectSocketTransport({ path, token: TOKEN }, { client: 'test' });
    expect(hub).toEqual(APP);
    const client = createTaskdeckClient(transport);
    expect(await client.roots()).toEqual(['/x']);
    const event = await new Promise((resolve) => client.onEvent(resolve));
    expect(event).toMatchObject({ type: 'snapshot' });
    client.close();
  });

  it("rejects with the hub's reason when it refuses the token", async () => {
    const { path } = await fakeEndpoint('refuse');
    await expect(connectSocketTransport({ path, token: 'b'.repeat(64) }, { client: 'test' })).rejects.toThrow(
      'the running Taskdeck refused: wrong token',
    );
  });

  it('rejects clearly when nothing listens, or nothing answers the hello', async () => {
    await expect(
      connectSocketTransport(
        { path: join(tmpdir(), 'no-such-taskdeck.sock'), token: TOKEN },
        { client: 'test' },
      ),
    ).rejects.toThrow(/^cannot reach the running Taskdeck: /);
    const { path } = await fakeEndpoint('silent');
    await expect(connectSocketTransport({ path, token: TOKEN }, { client: 'test' })).rejects.toThrow(
      'the running Taskdeck did not answer in time',
    );
  });

  it('fails requests in flight when the hub goes away, and reports the connection closed', async () => {
    const { path } = await fakeEndpoint();
    const { transport } = await connectSocketTransport({ path, token: TOKEN }, { client: 'test' });
    const states: string[] = [];
    transport.onConnection((state) => states.push(state.state));
    await expect(transport.request('hub:bye', [])).rejects.toThrow(
      'The connection to the running Taskdeck was lost',
    );
    expect(states).toEqual(['open', 'closed']);
  });
});
