/**
 * The built web host (out/web/index.js, real hub and servers) under hostile input over
 * raw TCP: whatever arrives, the process keeps running and keeps serving.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands, MAX_SOCKET_MESSAGE_BYTES, webCommands } from '@taskdeck/contract';
import { Random } from '@taskdeck/node-common/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverJs, waitForUrl } from '../test/server-process';
import {
  closeCodeIn,
  closeFrame,
  frame,
  openRaw,
  rawExchange,
  rawWebSocket,
  receiveAll,
  statusOf,
  textFrame,
} from '../test/wire-harness';

const BIG_ASSET_BYTES = 16 * 1024 * 1024;

describe('out/web/index.js under hostile input', () => {
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let token: string;
  let stderr = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-hardening-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><head><title>Taskdeck</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'big.bin'), Buffer.alloc(BIG_ASSET_BYTES, 7));
    child = spawn(
      process.execPath,
      [serverJs, '--renderer-dir', join(dir, 'renderer'), '--data-dir', join(dir, 'data')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const url = new URL(await waitForUrl(child));
    port = Number(url.port);
    token = url.searchParams.get('token') ?? '';
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  const bearer = () => ({ Authorization: `Bearer ${token}` });

  /** One command over a fresh socket authenticated with the token. */
  async function command(channel: string, args: unknown[] = []): Promise<{ ok: boolean }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: bearer() });
    try {
      await once(ws, 'open');
      ws.send(JSON.stringify({ id: 1, channel, args }));
      const [data] = await once(ws, 'message');
      return JSON.parse(String(data));
    } finally {
      ws.close();
    }
  }

  /** The host still runs, serves an authenticated request and answers a socket command. */
  async function expectServing(): Promise<void> {
    expect(child.exitCode, `web host exited; stderr: ${stderr}`).toBeNull();
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: bearer() });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Taskdeck</title>');
    expect(await command(commands.appInfo.channel)).toMatchObject({ id: 1, ok: true });
  }

  it('answers 400 to an upgrade whose request target is a malformed URL, and keeps running', async () => {
    for (const target of ['http://[/', '//[/', 'http://127.0.0.1:1/%%', '*']) {
      const answer = await rawExchange(
        port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      expect(statusOf(answer), target).toBe(400);
    }
    await expectServing();
  });

  it('closes only the offending connection on a WebSocket protocol error, with its close code', async () => {
    const oversized = Buffer.alloc(MAX_SOCKET_MESSAGE_BYTES + 1, 0x61);
    const cases: [string, Buffer, number][] = [
      ['a message over the size limit', frame({ opcode: 0x1, payload: oversized }), 1009],
      ['invalid UTF-8', frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 1007],
      ['RSV1 without an extension', frame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 0b100 }), 1002],
      ['an unmasked client frame', frame({ opcode: 0x1, payload: Buffer.from('{}'), mask: false }), 1002],
      ['a reserved opcode', frame({ opcode: 0x3, payload: Buffer.from('x') }), 1002],
      ['close code 999', closeFrame(999), 1002],
      ['a fragmented control frame', frame({ opcode: 0x9, fin: false }), 1002],
      ['a binary message', frame({ opcode: 0x2, payload: Buffer.from([1, 2, 3]) }), 1008],
      ['a text message that is not a request', textFrame('{"hello":'), 1008],
    ];
    for (const [name, bytes, code] of cases) {
      const { socket } = await rawWebSocket(port, bearer());
      const received = receiveAll(socket, 5000, (data) => closeCodeIn(data) !== undefined);
      socket.write(bytes);
      expect(closeCodeIn(await received), name).toBe(code);
      expect(child.exitCode, `${name} ended the web host: ${stderr}`).toBeNull();
    }
    await expectServing();
  });

  it('survives connections reset in the middle of an upgrade', async () => {
    for (let i = 0; i < 50; i++) {
      const socket = await openRaw(port);
      socket.write(
        `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      );
      socket.resetAndDestroy();
    }
    await expectServing();
  });

  it.runIf(process.platform === 'linux')(
    'closes the file of every aborted download (no descriptor leak over 1000 aborts)',
    async () => {
      const openFds = () => readdirSync(`/proc/${child.pid}/fd`).length;
      const before = openFds();
      const request = `GET /assets/big.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
      const abortOne = async () => {
        const socket = await openRaw(port);
        socket.write(request);
        await once(socket, 'data');
        socket.destroy();
      };
      for (let i = 0; i < 1000; i += 10) await Promise.all(Array.from({ length: 10 }, abortOne));
      // The host sees the resets asynchronously: give it a moment to settle.
      let after = openFds();
      for (let wait = 0; wait < 50 && after > before + 20; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = openFds();
      }
      console.log(`web host open file descriptors: ${before} before, ${after} after 1000 aborted downloads`);
      expect(after).toBeLessThanOrEqual(before + 20);
      await expectServing();
    },
  );

  it('keeps serving after a seeded fuzz run of requests, frames and messages', async () => {
    const seed = Number(process.env.TASKDECK_FUZZ_SEED ?? 20251125);
    const random = new Random(seed);
    const int = (n: number) => random.int(0, n - 1);
    const pick = <T>(items: readonly T[]): T => random.pick(items);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    const channels = [...Object.values(commands), ...Object.values(webCommands)].map((c) => c.channel);

    function randomJson(depth: number): unknown {
      switch (depth > 4 ? int(4) : int(7)) {
        case 0:
          return int(3) === 0 ? null : random.next() > 0.5;
        case 1:
          return pick([0, -1, 1e308, -1e-308, 2 ** 53, random.next() * 1e6]);
        case 2:
          return bytes(int(40)).toString('latin1');
        case 3:
          return pick(['', '..', '/etc/passwd', '\u0000', 'hub:start-tool', '~', 'x'.repeat(5000)]);
        case 4:
          return Array.from({ length: int(5) }, () => randomJson(depth + 1));
        default:
          return Object.fromEntries(
            Array.from({ length: int(5) }, () => [
              pick(['id', 'channel', 'args', '__proto__', 'x']),
              randomJson(depth + 1),
            ]),
          );
      }
    }

    function randomMessage(): Buffer {
      switch (int(5)) {
        case 0:
          return Buffer.from(JSON.stringify(randomJson(0)));
        case 1:
          // Well-formed envelopes with random arguments: reach the contract's validation.
          return Buffer.from(
            JSON.stringify({ id: int(1000), channel: pick(channels), args: [randomJson(1), randomJson(1)] }),
          );
        case 2:
          return Buffer.from(
            `{"id":1,"channel":"hub:start-tool","args":[${'['.repeat(5000)}${']'.repeat(5000)}]}`,
          );
        case 3:
          return Buffer.from(`{"id":1,"channel":"hub:get-task","args":[${'['.repeat(int(100_000))}`);
        default:
          return bytes(int(300));
      }
    }

    function randomFrame(): Buffer {
      const payload = int(3) === 0 ? bytes(int(200)) : randomMessage();
      return frame({
        opcode: int(4) === 0 ? int(16) : pick([0x0, 0x1, 0x1, 0x2, 0x8, 0x9, 0xa]),
        payload,
        fin: random.next() > 0.1,
        rsv: int(6) === 0 ? int(8) : 0,
        mask: random.next() > 0.05,
        announcedLength:
          int(8) === 0
            ? pick([0, 125, 126, 65535, 65536, 2 ** 32, MAX_SOCKET_MESSAGE_BYTES + 1])
            : payload.length,
      });
    }

    function randomRequest(): Buffer {
      const method = pick(['GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'CONNECT', 'G\u0000T', '']);
      const target = pick([
        '/',
        '/api',
        '/upload?name=a.csv',
        '/upload?name=%ff%fe',
        `/?token=${token}`,
        '/?token=%zz',
        'http://[/',
        '//[/',
        '*',
        `/${'a'.repeat(20_000)}`,
        '/assets/../../etc/passwd',
        bytes(20).toString('latin1'),
      ]);
      const headers = [`Host: ${pick([`127.0.0.1:${port}`, 'evil.example', '', '[::1]'])}`];
      if (random.next() > 0.5)
        headers.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13');
      if (random.next() > 0.5) headers.push(`Sec-WebSocket-Key: ${bytes(16).toString('base64')}`);
      if (random.next() > 0.5)
        headers.push(`Authorization: ${pick([`Bearer ${token}`, 'Bearer', 'Basic x', `bearer  ${token} `])}`);
      if (random.next() > 0.7)
        headers.push(
          `Sec-WebSocket-Protocol: ${pick(['taskdeck', 'taskdeck, taskdeck.session.x.y', ',,,'])}`,
        );
      if (random.next() > 0.7) headers.push(`Content-Length: ${pick(['5', '-1', '99999999999', 'abc'])}`);
      if (random.next() > 0.8) headers.push('Transfer-Encoding: chunked');
      if (random.next() > 0.9) headers.push(`X-Big: ${'b'.repeat(20_000)}`);
      if (random.next() > 0.9) headers.push(bytes(30).toString('latin1'));
      const body = random.next() > 0.5 ? bytes(int(500)) : Buffer.alloc(0);
      return Buffer.concat([
        Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
        body,
      ]);
    }

    const startedAt = Date.now();
    const CASES = 300;
    for (let i = 0; i < CASES && Date.now() - startedAt < 60_000; i++) {
      const kind = int(5);
      if (kind === 0) {
        // Gone before the answer: the host writes to a reset connection.
        const socket = await openRaw(port);
        socket.write(randomRequest());
        socket.resetAndDestroy();
      } else if (kind <= 2) {
        await rawExchange(port, randomRequest(), 200);
      } else {
        const { socket } = await rawWebSocket(port, bearer());
        const received = receiveAll(socket, 200);
        for (let n = 1 + int(4); n > 0; n--) socket.write(randomFrame());
        await received;
      }
      expect(child.exitCode, `fuzz case ${i} (seed ${seed}) ended the web host: ${stderr}`).toBeNull();
    }
    await expectServing();
    expect(await command(commands.listTasks.channel)).toMatchObject({ ok: true });
  }, 120_000);
});
