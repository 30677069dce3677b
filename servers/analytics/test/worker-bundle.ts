import { join } from 'node:path';
import { build } from 'esbuild';

/** Worker threads need a JavaScript entry: bundles the profiler's worker.ts to `outfile`, as the build does. */
export async function bundleProfilerWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(import.meta.dirname, '..', 'worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
  });
}
