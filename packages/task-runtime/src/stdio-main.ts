import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

/**
 * Runs a server over stdio until its client goes away. A stray exception is logged
 * and the server keeps serving; stdin closing, stdout breaking or a termination signal
 * cancels the running work (so it can roll back) and exits.
 */
export async function runStdio(
  server: TaskServer,
  beforeExit: () => Promise<void> = async () => {},
): Promise<void> {
  const name = server.identity.name;
  let exiting = false;
  const exit = async (why: string) => {
    if (exiting) return;
    exiting = true;
    stderrLog(name, 'info', `shutting down: ${why}`);
    await server.stopAll(`Server shutting down (${why}).`);
    await beforeExit().catch((error) => stderrLog(name, 'error', `cleanup failed: ${error}`));
    process.exit(0);
  };

  // With the client gone, writing to stderr fails too: logging that failure would fail
  // again, forever. A broken stderr is ignored; a broken stdout means the client is gone.
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => void exit('stdout closed'));
  process.on('uncaughtException', (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') void exit('client gone (EPIPE)');
    else stderrLog(name, 'error', `uncaught: ${error.stack ?? error}`);
  });
  process.on('unhandledRejection', (reason) =>
    stderrLog(name, 'error', `unhandled rejection: ${String(reason)}`),
  );
  process.stdin.once('end', () => void exit('stdin closed'));
  process.stdin.once('close', () => void exit('stdin closed'));
  process.once('SIGTERM', () => void exit('SIGTERM'));
  process.once('SIGINT', () => void exit('SIGINT'));

  const transport = new StdioServerTransport();
  transport.onerror = (error) => stderrLog(name, 'warn', `transport: ${error.message}`);
  await server.connect(transport);
  stderrLog(name, 'info', `ready (pid ${process.pid})`);
}
