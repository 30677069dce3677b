import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLED_MANIFEST, loadBundledManifest } from './bundled-manifest.js';

describe('loadBundledManifest', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    dir = mkdtempSync(join(tmpdir(), 'bundled-'));
    writeFileSync(join(dir, BUNDLED_MANIFEST), text);
  };

  it('lists the servers with their files resolved beside the manifest', async () => {
    write(JSON.stringify({ format: 1, servers: [{ name: 'alpha', file: 'alpha.js' }] }));
    expect(await loadBundledManifest(dir)).toEqual({
      servers: [{ name: 'alpha', path: join(dir, 'alpha.js') }],
    });
  });

  it('has no servers where there is no manifest (a build without servers)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bundled-'));
    expect(await loadBundledManifest(dir)).toEqual({ servers: [] });
  });

  it('says what is wrong with a damaged manifest, and a file name that leaves its folder is damage', async () => {
    write('{ not json');
    expect((await loadBundledManifest(dir)).problem).toMatch(/is damaged .*reinstall Taskdeck/);
    rmSync(dir, { recursive: true });
    write(JSON.stringify({ format: 1, servers: [{ name: 'evil', file: '../../bin/sh' }] }));
    expect(await loadBundledManifest(dir)).toMatchObject({
      servers: [],
      problem: expect.stringContaining('damaged'),
    });
  });
});
