import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './server-config.js';

const reserved = new Set(['cloud-ops']);
const parse = (value: unknown) => parseServerConfig(JSON.stringify(value), '/cfg/servers.json', reserved);

describe('server config', () => {
  it('reads the mcpServers shape with defaults', () => {
    const { servers, errors } = parse({
      mcpServers: {
        fs: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
          env: { A: '1' },
        },
        off: { command: 'node', disabled: true, cwd: '/srv' },
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
      },
      { name: 'off', command: 'node', args: [], env: {}, cwd: '/srv', disabled: true, bundled: false },
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

  it('explains a broken file', () => {
    expect(parseServerConfig('{ nope', '/cfg/servers.json', reserved).errors[0]?.message).toMatch(
      /^\/cfg\/servers\.json is not valid JSON/,
    );
    expect(parse({ other: {} }).errors).toEqual([
      { message: '/cfg/servers.json has no "mcpServers" object' },
    ]);
  });
});
