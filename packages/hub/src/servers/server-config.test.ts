import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerConfig, parseServerConfig } from './server-config.js';

const reserved = new Set(['cloud-ops']);
const parse = (value: unknown) => parseServerConfig(value, '/cfg/servers.json', reserved);

describe('server config', () => {
  it('reads the mcpServers shape with defaults', () => {
    const { servers, errors } = parse({
      mcpServers: {
        fs: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
          env: { A: '1' },
        },
        off: { command: 'node', disabled: true, cwd: '/srv', stopWhenIdle: true },
      },
    });
    expect(errors).toEqual([]);
    expect(servers).toEqual([
      {
        name: 'fs',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
        env: { A: '1' },
        cwd: undefined,
        disabled: false,
        bundled: false,
        stopWhenIdle: false,
      },
      {
        name: 'off',
        command: 'node',
        args: [],
        env: {},
        cwd: '/srv',
        disabled: true,
        bundled: false,
        stopWhenIdle: true,
      },
    ]);
  });

  it('accepts VS Code’s "servers" key with type stdio', () => {
    expect(parse({ servers: { a: { type: 'stdio', command: 'x' } } }).servers.map((s) => s.name)).toEqual([
      'a',
    ]);
  });

  it('reports each bad entry by name and keeps the good ones', () => {
    const { servers, errors } = parse({
      mcpServers: {
        good: { command: 'ok' },
        empty: { command: '' },
        typed: { command: 'x', args: 'not-a-list', env: { N: 1 } },
        'cloud-ops': { command: 'x' },
        'bad name!': { command: 'x' },
        remote: { url: 'https://example.invalid' },
      },
    });
    expect(servers.map((s) => s.name)).toEqual(['good']);
    expect(Object.fromEntries(errors.map((e) => [e.name, e.message]))).toEqual({
      empty: 'command: must not be empty',
      typed:
        'args: Invalid input: expected array, received string; env.N: Invalid input: expected string, received number',
      'cloud-ops': '"cloud-ops" is the name of a bundled server; pick another name',
      'bad name!': 'Server name "bad name!" must be 1-64 letters, digits, ".", "_", "@" or "-"',
      remote: 'Only stdio servers (with "command") are supported; this entry has a "url"',
    });
  });

  it('explains a file without a server list', () => {
    expect(parse({ other: {} }).errors).toEqual([
      { message: '/cfg/servers.json has no "mcpServers" object' },
    ]);
  });
});

describe('server config file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fresh = () => {
    dir = mkdtempSync(join(tmpdir(), 'server-config-'));
    return join(dir, 'servers.json');
  };
  const backups = () => readdirSync(dir).filter((f) => f.startsWith('servers.json.corrupt-'));

  it('means no user servers when it is missing', async () => {
    expect(await loadServerConfig(fresh(), reserved)).toEqual({ servers: [], errors: [] });
  });

  it('moves a file that is not JSON aside, byte for byte, and says where', async () => {
    const path = fresh();
    const damaged = Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0x00, 0x0a, 0x89]);
    writeFileSync(path, damaged);
    const loaded = await loadServerConfig(path, reserved);
    expect(loaded.servers).toEqual([]);
    expect(backups()).toHaveLength(1);
    const backup = join(dir, backups()[0] as string);
    expect(readFileSync(backup)).toEqual(damaged);
    expect(existsSync(path)).toBe(false);
    expect(loaded.damaged).toContain(`Your server list ${path} is not valid JSON (`);
    expect(loaded.damaged).toContain(
      `). It was moved to ${backup}; your own servers do not run until it is repaired and back in place.`,
    );
  });

  it('moves a folder in its place aside too', async () => {
    const path = fresh();
    mkdirSync(path);
    const loaded = await loadServerConfig(path, reserved);
    expect(loaded.damaged).toMatch(
      /servers\.json cannot be read \(EISDIR.*\)\. It was moved to .*servers\.json\.corrupt-/,
    );
    expect(backups()).toHaveLength(1);
  });

  it('leaves a JSON file with bad entries in place: the entries report their errors', async () => {
    const path = fresh();
    writeFileSync(path, JSON.stringify({ mcpServers: { empty: { command: '' } } }));
    const loaded = await loadServerConfig(path, reserved);
    expect(loaded.errors).toEqual([{ name: 'empty', message: 'command: must not be empty' }]);
    expect(loaded.damaged).toBeUndefined();
    expect(backups()).toEqual([]);
  });
});
