import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aesSealer } from '../../test/aes-sealer.js';
import { CredentialStore } from './credential-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function fileIn(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskdeck-credentials-'));
  dirs.push(dir);
  return join(dir, 'auth', 'credentials.json');
}
const tokens = { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1' };

describe('CredentialStore', () => {
  it('writes what it keeps to an owner-only file in an owner-only folder, and reads it back', async () => {
    const path = fileIn();
    const store = await CredentialStore.open(path);
    expect(store.notice).toBeUndefined();
    await store.update('remote', 'https://mcp.example.com/mcp', (saved) => ({ ...saved, tokens }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const again = await CredentialStore.open(path);
    expect(again.get('remote', 'https://mcp.example.com/mcp')).toEqual({
      url: 'https://mcp.example.com/mcp',
      tokens,
    });
  });

  it('gives a server’s credentials only for the URL they were obtained for', async () => {
    const store = await CredentialStore.open(fileIn());
    await store.update('remote', 'https://a.example.com/mcp', (saved) => ({ ...saved, tokens }));
    expect(store.get('remote', 'https://b.example.com/mcp')).toBeUndefined();
    await store.update('remote', 'https://b.example.com/mcp', (saved) => ({ ...saved, requestedScope: 'x' }));
    expect(store.get('remote', 'https://b.example.com/mcp')).toEqual({
      url: 'https://b.example.com/mcp',
      requestedScope: 'x',
    });
    expect(store.get('remote', 'https://a.example.com/mcp')).toBeUndefined();
  });

  it('writes changes in the order they were made', async () => {
    const path = fileIn();
    const store = await CredentialStore.open(path);
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        store.update('remote', 'https://mcp.example.com/mcp', (saved) => ({
          ...saved,
          requestedScope: `s${n}`,
        })),
      ),
    );
    await store.delete('other');
    expect(JSON.parse(readFileSync(path, 'utf8')).servers.remote.requestedScope).toBe('s5');
  });

  it('moves a damaged file aside and says to sign in again', async () => {
    const path = fileIn();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"version":1,"servers":');
    const store = await CredentialStore.open(path);
    expect(store.notice).toMatch(
      /^The sign-in credentials .* is not valid JSON .*; moved to .*\.corrupt-.*\. Sign in again/,
    );
    expect(readdirSync(join(path, '..')).some((name) => name.startsWith('credentials.json.corrupt-'))).toBe(
      true,
    );
    writeFileSync(path, JSON.stringify({ version: 1, servers: { remote: { tokens } } }));
    expect((await CredentialStore.open(path)).notice).toMatch(
      /has unexpected content \(servers\.remote\.url: /,
    );
  });

  it('sealed: no secret in clear, read back with the same key, refused with another', async () => {
    const path = fileIn();
    const sealer = aesSealer();
    const store = await CredentialStore.open(path, sealer);
    await store.update('remote', 'https://mcp.example.com/mcp', (saved) => ({ ...saved, tokens }));
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('at-1');
    expect(text).not.toContain('rt-1');
    expect(
      (await CredentialStore.open(path, sealer)).get('remote', 'https://mcp.example.com/mcp')?.tokens,
    ).toEqual(tokens);
    const other = await CredentialStore.open(path, aesSealer());
    expect(other.get('remote', 'https://mcp.example.com/mcp')).toBeUndefined();
    expect(other.notice).toContain('could not be opened (AES-256-GCM with the test key: ');
    // A plain file where a sealed one is expected is damage too.
    const plain = fileIn();
    await (await CredentialStore.open(plain)).update('remote', 'https://x/mcp', (saved) => ({
      ...saved,
      tokens,
    }));
    expect((await CredentialStore.open(plain, sealer)).notice).toContain('has unexpected content');
  });
});
