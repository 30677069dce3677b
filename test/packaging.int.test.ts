/**
 * Packages the app the way a release does (`electron-builder --dir` with electron-builder.yml)
 * but with a stand-in Electron executable, since the real binary is downloaded from a host CI
 * cannot reach. Then checks what a user would install: the archive's contents and that the
 * unpacked servers run with plain Node and answer over MCP.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { commands } from '@taskdeck/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectCleanExit, processLaunch, StandInApp, startWindow } from './electron-standin/driver.js';
import { McpHarness, structured } from './mcp-harness.js';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const work = mkdtempSync(join(tmpdir(), 'taskdeck-package-'));
const BUNDLED_SERVERS = ['analytics', 'cloud-ops', 'dev-tools', 'knowledge'];
/** The fuse library electron-builder flips fuses with (its `electronFuses` option). */
const fusesRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const fuses: typeof import('@electron/fuses') = fusesRequire('@electron/fuses');
const { FuseState, SENTINEL }: typeof import('@electron/fuses/dist/constants') = fusesRequire(
  '@electron/fuses/dist/constants',
);
const { FuseV1Options } = fuses;

/**
 * Electron's fuse wire with its defaults (docs/tutorial/fuses.md), as a real executable carries
 * it: the sentinel, the wire version, the wire length, then one byte per fuse.
 */
function defaultFuseWire(): Buffer {
  const enabled = new Set([
    FuseV1Options.RunAsNode,
    FuseV1Options.EnableNodeOptionsEnvironmentVariable,
    FuseV1Options.EnableNodeCliInspectArguments,
    FuseV1Options.GrantFileProtocolExtraPrivileges,
  ]);
  const wire = Array.from({ length: 8 }, (_, fuse) =>
    enabled.has(fuse) ? FuseState.ENABLE : FuseState.DISABLE,
  );
  return Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire])]);
}

/**
 * An "unpacked Electron distribution" electron-builder accepts as `electronDist`: it copies the
 * folder, renames `electron` to the app's executable, trims `locales/` and adds
 * `resources/app.asar`. The executable only says it is a stand-in, and carries Electron's
 * default fuse wire so that what the packaging does to the fuses shows in the result.
 */
function standInElectronDist(dir: string): string {
  const { version } = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'));
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  writeFileSync(join(dir, 'version'), `v${version}`);
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron executable" >&2\nexit 1\n# ');
  writeFileSync(join(dir, 'electron'), Buffer.concat([script, defaultFuseWire(), Buffer.from('\n')]), {
    mode: 0o755,
  });
  return dir;
}

/** Bare imports the main bundle leaves to node_modules (electron-vite externalizes dependencies). */
function externalPackages(bundle: string): string[] {
  const specifiers = [...readFileSync(bundle, 'utf8').matchAll(/\bfrom\s*["']([^"'./][^"']*)["']/g)].map(
    (match) => match[1] as string,
  );
  const packages = specifiers
    .filter((spec) => !spec.startsWith('node:') && spec !== 'electron')
    .map((spec) =>
      spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(packages)].sort();
}

let appDir = '';
let asar = '';
let entries = new Set<string>();

beforeAll(() => {
  for (const part of ['main/index.js', 'preload/index.cjs', 'renderer/index.html']) {
    if (!existsSync(join(root, 'out', part)))
      throw new Error(`out/${part} is missing: run npm run build first`);
  }
  const output = join(work, 'dist');
  const built = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      '--dir',
      `-c.electronDist=${standInElectronDist(join(work, 'electron'))}`,
      `-c.directories.output=${output}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 150_000,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    },
  );
  if (built.status !== 0) throw new Error(`electron-builder failed:\n${built.stdout}\n${built.stderr}`);
  const unpackedDir = readdirSync(output).find((name) => /^linux(-\w+)?-unpacked$/.test(name));
  if (!unpackedDir) throw new Error(`no linux-*-unpacked folder in ${readdirSync(output).join(', ')}`);
  appDir = join(output, unpackedDir);
  asar = join(appDir, 'resources', 'app.asar');
  entries = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/')));
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const unpackedPath = (...parts: string[]) => join(appDir, 'resources', 'app.asar.unpacked', ...parts);

describe('the packaged app (electron-builder --dir, stand-in Electron)', () => {
  it('has the executable and an app.asar with the built main, preload, renderer and servers', () => {
    expect(existsSync(join(appDir, 'taskdeck'))).toBe(true);
    for (const file of ['main/index.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(entries.has(`/out/${file}`), file).toBe(true);
    }
    const assets = [...entries].filter((entry) => entry.startsWith('/out/renderer/assets/'));
    expect(assets.some((entry) => entry.endsWith('.js'))).toBe(true);
    for (const server of BUNDLED_SERVERS) {
      expect(statFile(asar, `out/servers/${server}.js`)).toMatchObject({ unpacked: true });
      expect(existsSync(unpackedPath('out', 'servers', `${server}.js`)), server).toBe(true);
    }
    // Outside app.asar the app's package.json is out of reach: the servers carry their own.
    expect(JSON.parse(readFileSync(unpackedPath('out', 'servers', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
    // Checkout-only parts and source maps stay out of the installer.
    for (const entry of entries) expect(entry).not.toMatch(/^\/out\/(bench|cli|web)\/|\.map$/);
  });

  it('would start: package.json points at the main bundle and every module it imports is packaged', () => {
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8'));
    // productName names Electron's userData folder: Taskdeck, the folder the servers default to.
    expect(manifest).toMatchObject({ main: 'out/main/index.js', type: 'module', productName: 'Taskdeck' });
    const external = externalPackages(join(root, 'out', 'main', 'index.js'));
    expect(external).toContain('@modelcontextprotocol/sdk');
    for (const name of external) expect(entries.has(`/node_modules/${name}/package.json`), name).toBe(true);
    // Development tools are not runtime dependencies.
    for (const name of ['electron', 'electron-builder', 'vitest', 'react']) {
      expect(entries.has(`/node_modules/${name}`), name).toBe(false);
    }
    // Native modules cannot load from inside an archive: any there must be unpacked.
    for (const entry of [...entries].filter((e) => e.endsWith('.node'))) {
      expect(statFile(asar, entry.slice(1)), entry).toMatchObject({ unpacked: true });
    }
  });

  it('keeps the fuses the app relies on: RunAsNode (servers) and file:// privileges (the page)', async () => {
    const wire = await fuses.getCurrentFuseWire(join(appDir, 'taskdeck'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.ENABLE);
  });

  it('unpacks the bundled guides where the knowledge server looks for them (resources/knowledge beside out/)', () => {
    for (const guide of readdirSync(join(root, 'resources', 'knowledge'))) {
      expect(existsSync(unpackedPath('resources', 'knowledge', guide)), guide).toBe(true);
    }
  });

  describe('unpacked servers with plain Node', () => {
    let harness: McpHarness | undefined;
    const start = async (server: string, roots?: string[]) => {
      await harness?.close();
      harness = await McpHarness.start(server, { serversDir: unpackedPath('out', 'servers'), roots });
      return harness;
    };
    afterAll(() => harness?.close());

    it.each(BUNDLED_SERVERS)('%s answers tools/list, with module syntax detection off', async (server) => {
      await harness?.close();
      harness = await McpHarness.start(server, {
        serversDir: unpackedPath('out', 'servers'),
        env: { NODE_OPTIONS: '--no-experimental-detect-module' },
      });
      const { tools } = await harness.client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    });

    it('knowledge finds the guides unpacked next to it', async () => {
      const h = await start('knowledge');
      const { result } = await h.call('search_documents', { query: 'cancel task', limit: 3 });
      const output = structured(result, z.object({ results: z.array(z.object({ path: z.string() })) }));
      expect(output.results.length).toBeGreaterThan(0);
      for (const { path } of output.results)
        expect(path.startsWith(unpackedPath('resources', 'knowledge'))).toBe(true);
    });

    it('analytics profiles a large CSV on worker threads started from the unpacked bundle', async () => {
      const data = join(work, 'data');
      mkdirSync(data);
      const file = join(data, 'big.csv');
      // Just over the 32 MB from which the profiler uses workers.
      const block = Array.from({ length: 10_000 }, (_, i) => `${i},name ${i % 97},${(i % 991) * 1.5}`).join(
        '\n',
      );
      writeFileSync(file, `id,name,amount\n${`${block}\n`.repeat(200)}`);
      const h = await start('analytics', [data]);
      const { result } = await h.call('analyze_csv', { filePath: file });
      const profile = structured(
        result,
        z.object({ rows: z.number(), engine: z.object({ workers: z.number() }) }),
      );
      expect(profile).toMatchObject({ rows: 2_000_000 });
      expect(profile.engine.workers).toBeGreaterThan(0);
    }, 120_000);
  });
});

describe('the packaged main process under the Electron stand-in', () => {
  it('finds its preload, page, servers and guides from process.resourcesPath, and quits cleanly', async () => {
    // Electron reads inside app.asar as a folder: an extracted copy beside the real unpacked files.
    const resources = join(work, 'stand-in', 'resources');
    extractAll(asar, join(resources, 'app.asar'));
    symlinkSync(unpackedPath(), join(resources, 'app.asar.unpacked'));
    const app = StandInApp.start({
      main: join(resources, 'app.asar', 'out', 'main', 'index.js'),
      packaged: true,
    });
    try {
      await startWindow(app);
      const [created] = app.all('window-created') as unknown as {
        options: { webPreferences: { preload: string } };
      }[];
      expect(created?.options.webPreferences.preload).toBe(
        join(resources, 'app.asar', 'out', 'preload', 'index.cjs'),
      );
      expect(app.all('page-load')).toMatchObject([
        { file: join(resources, 'app.asar', 'out', 'renderer', 'index.html'), loaded: true },
      ]);
      expect(await app.call(commands.appInfo.channel)).toMatchObject({ host: 'electron' });
      await app.serversReady();
      for (const server of app.monitor.servers) {
        const launched = processLaunch(server.pid as number);
        expect(launched.argv[1]).toBe(
          join(resources, 'app.asar.unpacked', 'out', 'servers', `${server.name}.js`),
        );
        expect(launched.env.get('ELECTRON_RUN_AS_NODE')).toBe('1');
      }
      await app.request('close-window');
      await expectCleanExit(app, { hadWindow: true });
    } finally {
      await app.dispose();
    }
  });
});
