import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { serverProcess } from './server-process.js';
import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

/**
 * Runs a server over stdio until its client goes away. A stray exception is logged
 * and the server keeps serving; stdin closing, stdout breaking or a termination signal
 * cancels the running work (so it can roll back) and exits.
 */
export async function runStdio(server: TaskServer, beforeExit: () => Promise<void>): Promise<void> {
  const name = server.identity.name;
  const exit = serverProcess(server, [beforeExit], (error) =>
    error.code === 'EPIPE' ? 'client gone (EPIPE)' : undefined,
  );
  // With the client gone, writing to stderr fails too: logging that failure would fail
  // again, forever. A broken stderr is ignored; a broken stdout means the client is gone.
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => void exit('stdout closed'));
  process.stdin.once('end', () => void exit('stdin closed'));
  process.stdin.once('close', () => void exit('stdin closed'));

  const transport = new StdioServerTransport();
  transport.onerror = (error) => stderrLog(name, 'warn', `transport: ${error.message}`);
  await server.connect(transport);
  stderrLog(name, 'info', `ready (pid ${process.pid})`);
}
