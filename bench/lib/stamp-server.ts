// A zero-duration task tool on our task runtime, for the benchmarks that measure the
// protocol path and not the work: `stamp` returns, in its result, the moment its work
// ended (just before the runtime marks the task completed and notifies), on this
// machine's wall clock with sub-millisecond precision. Run it with `--stamp-server`
// from any benchmark bundle that calls `runStampServerIfAsked()` first.
import { runStdio } from '@taskdeck/task-runtime/stdio-main';
import { TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';

export const STAMP_SERVER_FLAG = '--stamp-server';

/** Wall-clock now in ms with sub-ms precision, comparable across processes of one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

export async function runStampServerIfAsked(): Promise<boolean> {
  if (!process.argv.includes(STAMP_SERVER_FLAG)) return false;
  const server = new TaskServer({ name: 'stamp', version: '1.0.0' });
  server.taskTool({
    name: 'stamp',
    title: 'Stamp',
    description: 'Ends at once; the result holds the time its work ended.',
    input: z.strictObject({ n: z.number().int().optional() }),
    taskSupport: 'optional',
    pollIntervalMs: 250, // what cloud-ops' deploys suggest: the SDK anchor polls at it
    run: async () => textResult('stamped', { at: wallNow() }),
  });
  await runStdio(server, async () => {});
  return true;
}

export function stampedAt(result: { structuredContent?: unknown } | undefined): number {
  const at = (result?.structuredContent as { at?: unknown } | undefined)?.at;
  if (typeof at !== 'number') throw new Error('the stamp tool answered without a time');
  return at;
}
