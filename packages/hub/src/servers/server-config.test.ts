// biome-ignore-all lint/suspicious/noTemplateCurlyInString: servers.json uses VS Code's ${env:NAME} syntax, not templates
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
        transport: 'stdio',
        stopWhenIdle: false,
      },
      {
        name: 'off',
        transport: 'stdio',
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
        both: { url: 'https://example.invalid', command: 'x' },
      },
    });
    expect(servers.map((s) => s.name)).toEqual(['good']);
    expect(Object.fromEntries(errors.map((e) => [e.name, e.message]))).toEqual({
      empty: 'command: must not be empty',
      typed:
        'args: Invalid input: expected array, received string; env.N: Invalid input: expected string, received number',
      'cloud-ops': '"cloud-ops" is the name of a bundled server; pick another name',
      'bad name!': 'Server name "bad name!" must be 1-64 letters, digits, ".", "_", "@" or "-"',
      both: 'An entry has either "command" (stdio) or "url" (remote), not both',
    });
  });

  it('reads remote entries in the shapes of Cursor, VS Code and Claude Code', () => {
    const { servers, errors } = parse({
      mcpServers: {
        cursor: { url: 'https://mcp.example.com/mcp' },
        vscode: { type: 'http', url: 'http://127.0.0.1:3001/mcp', headers: { 'X-Api-Key': 'k1' } },
        streamable: { type: 'streamable-http', url: 'https://a.example/mcp', disabled: true },
        legacy: { type: 'sse', url: 'https://b.example/sse' },
      },
    });
    expect(errors).toEqual([]);
    expect(servers).toEqual([
      {
        name: 'cursor',
        transport: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: {},
        disabled: false,
        bundled: false,
      },
      {
        name: 'vscode',
        transport: 'http',
        url: 'http://127.0.0.1:3001/mcp',
        headers: { 'X-Api-Key': 'k1' },
        disabled: false,
        bundled: false,
      },
      {
        name: 'streamable',
        transport: 'http',
        url: 'https://a.example/mcp',
        headers: {},
        disabled: true,
        bundled: false,
      },
      {
        name: 'legacy',
        transport: 'sse',
        url: 'https://b.example/sse',
        headers: {},
        disabled: false,
        bundled: false,
      },
    ]);
  });

  it('resolves ${env:NAME} in a remote entry’s url and headers', () => {
    const env = { MCP_TOKEN: 's3cret', MCP_HOST: 'mcp.example.com' };
    const { servers, errors } = parseServerConfig(
      {
        servers: {
          r: {
            type: 'http',
            url: 'https://${env:MCP_HOST}/mcp',
            headers: { Authorization: 'Bearer ${env:MCP_TOKEN}' },
          },
        },
      },
      '/cfg/servers.json',
      reserved,
      env,
    );
    expect(errors).toEqual([]);
    expect(servers[0]).toMatchObject({
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer s3cret' },
    });
  });

  it('reports a bad remote entry by name, never with a header’s value', () => {
    const { servers, errors } = parseServerConfig(
      {
        mcpServers: {
          unset: {
            url: 'https://a.example/mcp',
            headers: { Authorization: 'Bearer ${env:NOT_SET_ANYWHERE}' },
          },
          input: { type: 'http', url: 'https://a.example/mcp', headers: { 'X-Key': '${input:api-key}' } },
          noUrl: { type: 'http' },
          ftp: { url: 'ftp://files.example/mcp' },
          junk: { url: 'not a url' },
          badName: { url: 'https://a.example/mcp', headers: { 'Bad Header': 'x' } },
          split: { url: 'https://a.example/mcp', headers: { 'X-Key': 'secret\r\nX-Evil: 1' } },
          kind: { type: 'websocket', url: 'wss://a.example' },
        },
      },
      '/cfg/servers.json',
      reserved,
      {},
    );
    expect(servers).toEqual([]);
    expect(Object.fromEntries(errors.map((e) => [e.name, e.message]))).toEqual({
      unset: 'headers.Authorization: the environment variable NOT_SET_ANYWHERE is not set',
      input: 'headers.X-Key: ${input:api-key} is not supported; only ${env:NAME} is',
      noUrl: 'url: Invalid input: expected string, received undefined',
      ftp: 'url: must start with http:// or https://',
      junk: 'url: is not a valid URL',
      badName: 'headers: "Bad Header" is not a valid HTTP header name',
      split: 'headers.X-Key: must not contain line breaks',
      kind: 'type: Invalid option: expected one of "http"|"streamable-http"|"streamableHttp"|"sse"',
    });
    expect(JSON.stringify(errors)).not.toContain('secret');
  });

  it('reads a client registered by hand (oauth), its secret from the environment, never in a message', () => {
    const { servers, errors } = parseServerConfig(
      {
        mcpServers: {
          byHand: {
            url: 'https://a.example/mcp',
            oauth: { clientId: 'taskdeck', clientSecret: '${env:CLIENT_SECRET}' },
          },
          public: { url: 'https://b.example/mcp', oauth: { clientId: 'taskdeck-public' } },
          unset: {
            url: 'https://a.example/mcp',
            oauth: { clientId: 'x', clientSecret: '${env:NOT_SET_ANYWHERE}' },
          },
          noId: { url: 'https://a.example/mcp', oauth: { clientId: '' } },
        },
      },
      '/cfg/servers.json',
      reserved,
      { CLIENT_SECRET: 'hidden-value' },
    );
    expect(servers.map((spec) => (spec.transport === 'stdio' ? undefined : spec.oauth))).toEqual([
      { clientId: 'taskdeck', clientSecret: 'hidden-value' },
      { clientId: 'taskdeck-public' },
    ]);
    expect(Object.fromEntries(errors.map((e) => [e.name, e.message]))).toEqual({
      unset: 'oauth.clientSecret: the environment variable NOT_SET_ANYWHERE is not set',
      noId: 'oauth.clientId: must not be empty',
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
