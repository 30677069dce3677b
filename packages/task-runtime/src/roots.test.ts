import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RootsGuard } from './roots.js';

let base: string;
let granted: string;
let outside: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'roots-')));
  granted = join(base, 'granted');
  outside = join(base, 'outside');
  mkdirSync(join(granted, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(granted, 'data.csv'), 'a\n1\n');
  writeFileSync(join(outside, 'secret.txt'), 'no');
  symlinkSync(join(outside, 'secret.txt'), join(granted, 'escape.txt'));
  symlinkSync(join(granted, 'data.csv'), join(outside, 'link-in.csv'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function connect(roots: string[] | undefined) {
  const server = new Server({ name: 's', version: '1' }, { capabilities: {} });
  const guard = new RootsGuard(() => server);
  guard.watch(server);
  const client = new Client(
    { name: 'c', version: '1' },
    { capabilities: roots ? { roots: { listChanged: true } } : {} },
  );
  let current = roots ?? [];
  let listCalls = 0;
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, () => {
      listCalls++;
      return { roots: current.map((p) => ({ uri: pathToFileURL(p).href, name: p })) };
    });
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return {
    server,
    guard,
    calls: () => listCalls,
    setRoots: async (paths: string[]) => {
      current = paths;
      await client.sendRootsListChanged();
      await new Promise((r) => setTimeout(r, 10));
    },
  };
}

describe('RootsGuard', () => {
  it('does not restrict a client that declares no roots', async () => {
    const { guard } = await connect(undefined);
    expect(await guard.roots()).toBeUndefined();
    expect(await guard.resolve(join(outside, 'secret.txt'), 'file')).toBe(join(outside, 'secret.txt'));
  });

  it('allows paths inside a granted folder and the granted file itself', async () => {
    const { guard } = await connect([granted, join(outside, 'secret.txt')]);
    expect(await guard.resolve(join(granted, 'data.csv'), 'file')).toBe(join(granted, 'data.csv'));
    expect(await guard.resolve(join(granted, 'sub'), 'directory')).toBe(join(granted, 'sub'));
    expect(await guard.resolve(join(outside, 'secret.txt'), 'file')).toBe(join(outside, 'secret.txt'));
  });

  it('denies paths outside the roots, following symlinks before the check', async () => {
    const { guard } = await connect([granted]);
    await expect(guard.resolve(join(outside, 'secret.txt'), 'file')).rejects.toThrow(
      `Access denied: ${join(outside, 'secret.txt')} is outside the folders and files you granted (granted: ${granted}).`,
    );
    await expect(guard.resolve(join(granted, 'escape.txt'), 'file')).rejects.toThrow(/^Access denied/);
    await expect(guard.resolve(join(granted, '..', 'outside', 'secret.txt'), 'file')).rejects.toThrow(
      /^Access denied/,
    );
    // A link from outside into the roots is fine: what is read is inside.
    expect(await guard.resolve(join(outside, 'link-in.csv'), 'file')).toBe(join(granted, 'data.csv'));
  });

  it('explains missing paths, wrong kinds and relative paths', async () => {
    const { guard } = await connect([granted]);
    await expect(guard.resolve(join(granted, 'nope.csv'), 'file')).rejects.toThrow(
      `File not found: ${join(granted, 'nope.csv')}`,
    );
    await expect(guard.resolve(join(granted, 'sub'), 'file')).rejects.toThrow('is a folder, not a file');
    await expect(guard.resolve(join(granted, 'data.csv'), 'directory')).rejects.toThrow(
      'is a file, not a folder',
    );
    await expect(guard.resolve('data.csv', 'file')).rejects.toThrow('Path must be absolute: data.csv');
    await expect(guard.resolve('  ', 'file')).rejects.toThrow('No path given.');
  });

  it('checks a new file by its folder', async () => {
    const { guard } = await connect([granted]);
    expect(await guard.resolveNew(join(granted, 'out.csv'))).toBe(join(granted, 'out.csv'));
    await expect(guard.resolveNew(join(outside, 'out.csv'))).rejects.toThrow(/^Access denied/);
  });

  it('checks a path against the roots of the client whose call is running, each cached apart', async () => {
    const a = await connect([granted]);
    const b = await connect([outside]);
    let caller: Server | undefined = a.server;
    const guard = new RootsGuard(() => caller);
    guard.watch(a.server);
    guard.watch(b.server);
    expect(await guard.resolve(join(granted, 'data.csv'), 'file')).toBe(join(granted, 'data.csv'));
    caller = b.server;
    await expect(guard.resolve(join(granted, 'data.csv'), 'file')).rejects.toThrow(/^Access denied/);
    expect(await guard.roots()).toEqual([outside]);
    caller = a.server;
    expect(await guard.roots()).toEqual([granted]);
    expect([a.calls(), b.calls()]).toEqual([1, 1]);
    await b.setRoots([granted]);
    expect(await guard.roots()).toEqual([granted]);
    expect(a.calls()).toBe(1);
    caller = undefined;
    expect(await guard.roots()).toBeUndefined();
  });

  it('caches the roots until the client says they changed', async () => {
    const t = await connect([granted]);
    await t.guard.roots();
    await t.guard.roots();
    expect(t.calls()).toBe(1);
    await t.setRoots([outside]);
    expect(await t.guard.roots()).toEqual([outside]);
    expect(t.calls()).toBe(2);
    await expect(t.guard.resolve(join(granted, 'data.csv'), 'file')).rejects.toThrow(/^Access denied/);
  });
});
