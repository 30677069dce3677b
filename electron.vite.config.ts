import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { DEV_SERVER_CSP, RENDERER_CSP } from './packages/contract/src/csp';

const root = import.meta.dirname;

/**
 * Dev server only: Vite injects an inline React refresh preamble and <style> tags, which the
 * production policy in the renderer's index.html forbids. Swap in the dev policy while serving.
 */
function devServerCsp(): Plugin {
  return {
    name: 'taskdeck:dev-server-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      if (!html.includes(RENDERER_CSP)) {
        throw new Error(
          'index.html: CSP meta tag does not match RENDERER_CSP of packages/contract/src/csp.ts',
        );
      }
      return html.replace(RENDERER_CSP, DEV_SERVER_CSP);
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      sourcemap: true,
      rolldownOptions: {
        input: { index: resolve(root, 'apps/desktop/src/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      sourcemap: true,
      // A sandboxed preload can only require('electron'): bundle everything (zod) into one CJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'apps/desktop/src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'apps/desktop/src/renderer'),
    plugins: [react(), tailwindcss(), devServerCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      sourcemap: true,
      rolldownOptions: {
        input: { index: resolve(root, 'apps/desktop/src/renderer/index.html') },
      },
    },
  },
});
