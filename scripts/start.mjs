#!/usr/bin/env node
// `npm start`: builds when out/ is missing or stale, then starts the Electron app, or the
// web host when the Electron binary is not installed.
// `npm run web [-- --port N --data-dir DIR]` (`--web`): the web host, whatever is installed.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build-state.mjs';
import { findElectronBinary } from './electron-binary.mjs';
import { checkNodeVersion } from './node-version.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs a child with inherited stdio, forwards Ctrl-C / SIGTERM and exits with its code.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function runForwarding(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const node = checkNodeVersion(process.version);
if (node.level === 'fatal') {
  console.error(node.message);
  process.exit(1);
}
if (node.level === 'warn') console.warn(`Warning: ${node.message}`);

try {
  ensureBuilt({ root });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const args = process.argv.slice(2);
const webOnly = args[0] === '--web';
const webHostArgs = webOnly ? args.slice(1) : [];
const webHost = join(root, 'out', 'web', 'index.js');

const electron = findElectronBinary(root);
if (webOnly) {
  console.log('Starting the Taskdeck web host. Open the URL below in a browser. Press Ctrl-C to stop.');
  runForwarding(process.execPath, [webHost, ...webHostArgs], process.env);
} else if (electron.found) {
  const env = { ...process.env };
  // Would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  runForwarding(electron.path, [root], env);
} else {
  console.log(
    `Electron binary not found (${electron.reason}): it is downloaded on install or first use, ` +
      'which needs network access to its download host; starting the web host instead.',
  );
  console.log('Open the URL below in a browser. Press Ctrl-C to stop.');
  runForwarding(process.execPath, [webHost], process.env);
}
