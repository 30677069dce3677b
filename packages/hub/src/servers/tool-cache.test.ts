import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StdioServerSpec } from './server-config.js';
import { ToolCache } from './tool-cache.js';

const tools = [
  { name: 'scan', inputSchema: { type: 'object' as const }, execution: { taskSupport: 'optional' as const } },
];

describe('ToolCache', () => {
  let dir: string;
  let spec: StdioServerSpec;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tool-cache-'));
    writeFileSync(join(dir, 'server.js'), 'one');
    spec = {
      name: 's',
      transport: 'stdio',
      command: 'node',
      args: [join(dir, 'server.js')],
      env: {},
      disabled: false,
      bundled: true,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back the tools written for the same server file and version', async () => {
    const cache = ToolCache.in(dir);
    const stamp = await ToolCache.stampOf(spec, '1.0.0');
    expect(await cache.read('s', stamp)).toBeUndefined();
    await cache.write('s', stamp, tools);
    expect(await cache.read('s', await ToolCache.stampOf(spec, '1.0.0'))).toEqual(tools);
  });

  it('is not used once the server file, the command or the version changed', async () => {
    const cache = ToolCache.in(dir);
    await cache.write('s', await ToolCache.stampOf(spec, '1.0.0'), tools);
    expect(await cache.read('s', await ToolCache.stampOf(spec, '1.0.1'))).toBeUndefined();
    expect(
      await cache.read('s', await ToolCache.stampOf({ ...spec, command: 'electron' }, '1.0.0')),
    ).toBeUndefined();
    utimesSync(spec.args[0] as string, 1, 1); // same size, another modification time
    expect(await cache.read('s', await ToolCache.stampOf(spec, '1.0.0'))).toBeUndefined();
    writeFileSync(spec.args[0] as string, 'longer'); // rebuilt
    expect(await cache.read('s', await ToolCache.stampOf(spec, '1.0.0'))).toBeUndefined();
  });

  it('treats a damaged or foreign file as no cache', async () => {
    const cache = ToolCache.in(dir);
    const stamp = await ToolCache.stampOf(spec, '1.0.0');
    await cache.write('s', stamp, tools);
    const path = join(dir, 'cache', 'tools', 's.json');
    writeFileSync(path, '{"format":1,"stamp":');
    expect(await cache.read('s', stamp)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ format: 1, stamp, tools: [{ name: 42 }] }));
    expect(await cache.read('s', stamp)).toBeUndefined();
  });
});
