#!/usr/bin/env node
// Runs the electronegativity CLI (same arguments). Its parser, @typescript-eslint/typescript-estree,
// is hoisted next to our TypeScript 7, which has no JavaScript API: point its `require('typescript')`
// at the TypeScript 4.2 that electronegativity installs for itself.
const Module = require('node:module');
const { dirname, join } = require('node:path');

const home = dirname(require.resolve('@doyensec/electronegativity/package.json'));
const typescript = require.resolve('typescript', { paths: [home] });
/** @type {{ _resolveFilename: (request: string, ...rest: unknown[]) => string }} */
const loader = /** @type {any} */ (Module);
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (/** @type {string} */ request, /** @type {unknown[]} */ ...rest) {
  return request === 'typescript' ? typescript : resolveFilename.call(this, request, ...rest);
};
require(join(home, 'dist', 'index.js'));
