// Locates the Electron binary WITHOUT loading the `electron` package: its index.js
// starts a download when the binary is missing, which fails on machines without access
// to the Electron release host.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `reason` names the missing location, e.g. `node_modules/electron/dist`.
 * @typedef {{ found: true, path: string } | { found: false, reason: string }} ElectronBinary
 */

/**
 * @param {string} [root] project root
 * @returns {ElectronBinary}
 */
export function findElectronBinary(root = projectRoot) {
  let packageDir;
  try {
    // Resolving package.json does not execute the package.
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const shown = (/** @type {string} */ p) => relative(root, p) || p;
  if (!existsSync(pathFile)) {
    return { found: false, reason: shown(join(packageDir, 'dist')) };
  }
  const executable = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, executable);
  if (!existsSync(binary)) return { found: false, reason: shown(binary) };
  return { found: true, path: binary };
}
