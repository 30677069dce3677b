// biome-ignore-all lint/suspicious/noTemplateCurlyInString: servers.json uses VS Code's ${env:NAME} syntax, not templates
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServersFile } from './servers-file.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function fresh(content?: string): ServersFile {
  dir = mkdtempSync(join(tmpdir(), 'servers-file-'));
  const path = join(dir, 'servers.json');
  if (content !== undefined) writeFileSync(path, content);
  return new ServersFile(path);
}
const read = (file: ServersFile) => JSON.parse(readFileSync(file.path, 'utf8'));

describe('ServersFile', () => {
  it('creates the file with an mcpServers entry, readable by its owner only', async () => {
    const file = fresh();
    await file.add('remote', { type: 'http', url: 'http://127.0.0.1:1/mcp' });
    expect(read(file)).toEqual({ mcpServers: { remote: { type: 'http', url: 'http://127.0.0.1:1/mcp' } } });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it('keeps the other entries and the keys it does not know, in VS Code’s "servers" shape too', async () => {
    const file = fresh(
      JSON.stringify({
        inputs: [{ id: 'api-key', type: 'promptString' }],
        servers: { local: { command: 'node', args: ['x.js'], unknownField: 1 } },
      }),
    );
    await file.add('remote', {
      type: 'http',
      url: 'https://a.example/mcp',
      headers: { 'X-Key': '${env:K}' },
    });
    expect(read(file)).toEqual({
      inputs: [{ id: 'api-key', type: 'promptString' }],
      servers: {
        local: { command: 'node', args: ['x.js'], unknownField: 1 },
        remote: { type: 'http', url: 'https://a.example/mcp', headers: { 'X-Key': '${env:K}' } },
      },
    });
    expect(await file.remove('local')).toBe(true);
    expect(await file.remove('local')).toBe(false);
    expect(Object.keys(read(file).servers)).toEqual(['remote']);
    // Nothing but the file itself is left behind (no temp files).
    expect(readdirSync(dir)).toEqual(['servers.json']);
  });

  it('lands two adds made at once', async () => {
    const file = fresh();
    await Promise.all([
      file.add('a', { url: 'https://a.example' }),
      file.add('b', { url: 'https://b.example' }),
    ]);
    expect(Object.keys(read(file).mcpServers).sort()).toEqual(['a', 'b']);
  });

  it('refuses a taken name and never writes over a file it cannot read', async () => {
    const taken = fresh(JSON.stringify({ mcpServers: { a: { command: 'x' } } }));
    await expect(taken.add('a', { url: 'https://a.example' })).rejects.toThrow(
      'already has a server named "a"',
    );
    rmSync(dir, { recursive: true, force: true });

    const broken = fresh('{ "mcpServers": {');
    await expect(broken.add('a', { url: 'https://a.example' })).rejects.toThrow(
      /servers\.json is not valid JSON \(.*\); repair it before changing servers here\./,
    );
    expect(readFileSync(broken.path, 'utf8')).toBe('{ "mcpServers": {');
    rmSync(dir, { recursive: true, force: true });

    const wrongShape = fresh(JSON.stringify({ mcpServers: [] }));
    await expect(wrongShape.add('a', { url: 'https://a.example' })).rejects.toThrow('"mcpServers" in');
    // The queue goes on after a failed edit.
    await expect(wrongShape.remove('a')).rejects.toThrow('is not an object');
  });
});
