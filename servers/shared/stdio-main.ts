import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

/**
 * Runs a server over stdio until its client goes away. A stray exception is logged
 * and the server keeps serving; stdin closing or a termination signal cancels the
 * running work (so it can roll back) and exits.
 */
export async function runStdio(
  server: TaskServer,
  beforeExit: () => Promise<void> = async () => {},
): Promise<void> {
  const name = server.identity.name;
  process.on('uncaughtException', (error) => stderrLog(name, 'error', `uncaught: ${error.stack ?? error}`));
  process.on('unhandledRejection', (reason) =>
    stderrLog(name, 'error', `unhandled rejection: ${String(reason)}`),
  );

  let exiting = false;
  const exit = async (why: string) => {
    if (exiting) return;
    exiting = true;
    stderrLog(name, 'info', `shutting down: ${why}`);
    await server.stopAll(`Server shutting down (${why}).`);
    await beforeExit().catch((error) => stderrLog(name, 'error', `cleanup failed: ${error}`));
    process.exit(0);
  };
  const transport = new StdioServerTransport();
  transport.onerror = (error) => stderrLog(name, 'warn', `transport: ${error.message}`);
  process.stdin.once('end', () => void exit('stdin closed'));
  process.once('SIGTERM', () => void exit('SIGTERM'));
  process.once('SIGINT', () => void exit('SIGINT'));
  await server.connect(transport);
  stderrLog(name, 'info', `ready (pid ${process.pid})`);
}
