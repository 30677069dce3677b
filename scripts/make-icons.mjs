#!/usr/bin/env node
// Regenerates the app icons from resources/icon.svg; the outputs are committed, so building and
// packaging never need this. Needs `rsvg-convert` (Debian: apt-get install librsvg2-bin).
//   resources/icons/<n>x<n>.png  Linux (electron-builder picks the sizes from the file names)
//   resources/icon.png           1024x1024, the default electron-builder falls back to
//   resources/icon.icns, icon.ico  macOS and Windows, built from the 1024 PNG with png2icons
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';

const resources = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
const svg = join(resources, 'icon.svg');
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];

/** @param {number} size @param {string} file */
function render(size, file) {
  execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), '-o', file, svg]);
}

mkdirSync(join(resources, 'icons'), { recursive: true });
for (const size of LINUX_SIZES) render(size, join(resources, 'icons', `${size}x${size}.png`));
render(1024, join(resources, 'icon.png'));

const master = readFileSync(join(resources, 'icon.png'));
const icns = png2icons.createICNS(master, png2icons.BICUBIC, 0);
// usePNG=false: BMP entries for the small sizes, which every Windows version reads.
const ico = png2icons.createICO(master, png2icons.BICUBIC, 0, false, true);
if (!icns || !ico) throw new Error('png2icons could not convert resources/icon.png');
writeFileSync(join(resources, 'icon.icns'), icns);
writeFileSync(join(resources, 'icon.ico'), ico);
console.log('icons written to resources/');
