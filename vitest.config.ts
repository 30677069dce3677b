import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Unit tests live beside the code (`*.test.ts(x)`); integration tests (`*.int.test.ts`)
    // spawn the bundled servers from out/servers, which the global setup builds first.
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'out/**', 'e2e/**', 'dist/**', 'bench/results/**', 'test-results/**'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
