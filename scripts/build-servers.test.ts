import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_MANIFEST, BundledManifestSchema } from '@taskdeck/hub/servers/bundled-manifest';
import { afterEach, describe, expect, it } from 'vitest';
import { listNodeEntries } from './build-servers.mjs';

describe('listNodeEntries', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('lists servers/<name>/index.ts, plus the CLI and the web host', async () => {
    root = await mkdtemp(join(tmpdir(), 'taskdeck-build-'));
    for (const dir of ['zeta', 'alpha', 'no-entry'])
      await mkdir(join(root, 'servers', dir), { recursive: true });
    await writeFile(join(root, 'servers', 'zeta', 'index.ts'), '');
    await writeFile(join(root, 'servers', 'alpha', 'index.ts'), '');
    const entries = listNodeEntries(root);
    expect(entries.map((entry) => entry.name)).toEqual(['servers/alpha', 'servers/zeta', 'cli', 'web']);
    expect(entries[0]?.outfile).toBe(join(root, 'out', 'servers', 'alpha.js'));
    expect(entries[2]?.outfile).toBe(join(root, 'out', 'cli', 'taskdeck.js'));
    expect(entries[3]?.outfile).toBe(join(root, 'out', 'web', 'index.js'));
  });

  it("lists a server's worker entry (servers/<name>/worker.ts) after the server, as a worker", async () => {
    root = await mkdtemp(join(tmpdir(), 'taskdeck-build-'));
    await mkdir(join(root, 'servers', 'alpha'), { recursive: true });
    await writeFile(join(root, 'servers', 'alpha', 'index.ts'), '');
    await writeFile(join(root, 'servers', 'alpha', 'worker.ts'), '');
    const entries = listNodeEntries(root);
    expect(entries.map((entry) => [entry.name, entry.worker ?? false])).toEqual([
      ['servers/alpha', false],
      ['servers/alpha/worker', true],
      ['cli', false],
      ['web', false],
    ]);
    expect(entries[1]?.outfile).toBe(join(root, 'out', 'servers', 'alpha.worker.js'));
  });

  it('handles a project without servers/', async () => {
    root = await mkdtemp(join(tmpdir(), 'taskdeck-build-'));
    expect(listNodeEntries(root).map((entry) => entry.name)).toEqual(['cli', 'web']);
  });
});

describe('the bundled servers manifest', () => {
  it('lists every built server in the shape the hub reads, and no worker entry', async () => {
    // Built by the vitest global setup.
    const path = join(import.meta.dirname, '..', 'out', 'servers', BUNDLED_MANIFEST);
    const manifest = BundledManifestSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    expect(manifest.servers.map((server) => server.name)).toEqual([
      'analytics',
      'cloud-ops',
      'dev-tools',
      'knowledge',
    ]);
    expect(manifest.servers.map((server) => server.file)).toEqual([
      'analytics.js',
      'cloud-ops.js',
      'dev-tools.js',
      'knowledge.js',
    ]);
  });
});
