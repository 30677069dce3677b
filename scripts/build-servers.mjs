#!/usr/bin/env node
// Bundles the Node entry points into standalone ESM files under out/:
//   servers/<name>/index.ts -> out/servers/<name>.js
//   servers/<name>/worker.ts -> out/servers/<name>.worker.js (a server's worker threads, if it has any:
//     a small entry, so a thread does not load the whole server; not a server, so not in the manifest)
//   apps/cli/src/taskdeck.ts -> out/cli/taskdeck.js
//   apps/web/src/main.ts    -> out/web/index.js
// Everything is bundled (MCP SDK, zod, ...), so each file runs with plain `node` and no node_modules.
// out/servers/package.json says they are ES modules: packaged, they sit in app.asar.unpacked,
// outside the app's package.json, and must not depend on Node's module syntax detection.
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The list of bundled servers the hub reads, beside them in out/servers/. */
export const BUNDLED_MANIFEST = 'manifest.json';

/** Some bundled dependencies (ajv, via the MCP SDK) are CommonJS and call require(). */
const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Lists the entry points to bundle.
 * @param {string} root project root
 * @returns {{ name: string, entry: string, outfile: string, shebang?: boolean, worker?: boolean }[]}
 */
export function listNodeEntries(root = projectRoot) {
  /** @type {{ name: string, entry: string, outfile: string, shebang?: boolean, worker?: boolean }[]} */
  const entries = [];
  const serversDir = join(root, 'servers');
  if (existsSync(serversDir)) {
    for (const dirent of readdirSync(serversDir, { withFileTypes: true })) {
      if (!dirent.isDirectory() || dirent.name.startsWith('.')) continue;
      const entry = join(serversDir, dirent.name, 'index.ts');
      if (!existsSync(entry)) continue;
      entries.push({
        name: `servers/${dirent.name}`,
        entry,
        outfile: join(root, 'out', 'servers', `${dirent.name}.js`),
      });
      const worker = join(serversDir, dirent.name, 'worker.ts');
      if (existsSync(worker)) {
        entries.push({
          name: `servers/${dirent.name}/worker`,
          entry: worker,
          outfile: join(root, 'out', 'servers', `${dirent.name}.worker.js`),
          worker: true,
        });
      }
    }
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  entries.push({
    name: 'cli',
    entry: join(root, 'apps', 'cli', 'src', 'taskdeck.ts'),
    outfile: join(root, 'out', 'cli', 'taskdeck.js'),
    shebang: true,
  });
  entries.push({
    name: 'web',
    entry: join(root, 'apps', 'web', 'src', 'main.ts'),
    outfile: join(root, 'out', 'web', 'index.js'),
  });
  return entries;
}

/**
 * Bundles one Node entry point into a standalone ESM file (tests bundle their fixtures with it).
 * @param {{ entry: string, outfile: string, shebang?: boolean }} item
 * @param {string} [root] project root
 */
export async function bundleNodeEntry(item, root = projectRoot) {
  await build({
    entryPoints: [item.entry],
    outfile: item.outfile,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    legalComments: 'none',
    banner: { js: item.shebang ? `#!/usr/bin/env node\n${REQUIRE_BANNER}` : REQUIRE_BANNER },
    logLevel: 'warning',
  });
}

/**
 * Bundles every Node entry point.
 * @param {{ root?: string, quiet?: boolean }} [options]
 * @returns {Promise<string[]>} the written output files
 */
export async function buildServers(options = {}) {
  const root = options.root ?? projectRoot;
  const entries = listNodeEntries(root);
  await Promise.all(entries.map((item) => bundleNodeEntry(item, root)));
  // Executables (the CLI) run through their shebang: `npx taskdeck`, or the installed bin.
  for (const item of entries) if (item.shebang) chmodSync(item.outfile, 0o755);
  const servers = entries.filter((item) => item.name.startsWith('servers/') && !item.worker);
  if (servers.length > 0) {
    writeFileSync(join(root, 'out', 'servers', 'package.json'), '{ "type": "module" }\n');
    // The hub knows no server by name: it runs what this manifest lists (see ARCHITECTURE.md).
    const manifest = {
      format: 1,
      servers: servers.map((item) => ({ name: basename(item.outfile, '.js'), file: basename(item.outfile) })),
    };
    writeFileSync(join(root, 'out', 'servers', BUNDLED_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  if (!options.quiet) {
    for (const item of entries) console.log(`built ${relative(root, item.outfile)}`);
    if (!entries.some((item) => item.name.startsWith('servers/')))
      console.log('no servers/<name>/index.ts found');
  }
  return entries.map((item) => item.outfile);
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  buildServers().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
