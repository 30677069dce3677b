import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

/**
 * The process side of a running server, whatever its transport: a stray exception or
 * rejection is logged and the server keeps serving (`fatal` picks the exceptions that
 * mean the client is gone); a termination signal or the returned `exit(why)` cancels the
 * running work (so it can roll back), runs `cleanups` in order, and exits.
 */
export function serverProcess(
  server: TaskServer,
  cleanups: (() => Promise<void>)[],
  fatal: (error: NodeJS.ErrnoException) => string | undefined = () => undefined,
): (why: string) => Promise<void> {
  const name = server.identity.name;
  let exiting = false;
  const exit = async (why: string) => {
    if (exiting) return;
    exiting = true;
    stderrLog(name, 'info', `shutting down: ${why}`);
    await server.stopAll(`Server shutting down (${why}).`);
    for (const cleanup of cleanups) {
      await cleanup().catch((error) => stderrLog(name, 'error', `cleanup failed: ${error}`));
    }
    process.exit(0);
  };
  process.on('uncaughtException', (error) => {
    const why = fatal(error);
    if (why) void exit(why);
    else stderrLog(name, 'error', `uncaught: ${error.stack ?? error}`);
  });
  process.on('unhandledRejection', (reason) =>
    stderrLog(name, 'error', `unhandled rejection: ${String(reason)}`),
  );
  process.once('SIGTERM', () => void exit('SIGTERM'));
  process.once('SIGINT', () => void exit('SIGINT'));
  return exit;
}
