import { runHttp } from './http-main.js';
import { parseServeArgs, UsageError, usage } from './serve-options.js';
import { runStdio } from './stdio-main.js';
import type { TaskServer } from './task-server.js';

/**
 * A bundled server's entry: MCP over stdio, or over Streamable HTTP with `--http`
 * (see `usage`). A command line that cannot run exits 2 with the reason.
 */
export async function runServer(
  server: TaskServer,
  beforeExit: () => Promise<void> = async () => {},
): Promise<void> {
  const name = server.identity.name;
  let mode: ReturnType<typeof parseServeArgs>;
  try {
    mode = parseServeArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n\n${usage(name)}\n`);
    process.exit(2);
  }
  if (mode.kind === 'help') {
    process.stdout.write(`${usage(name)}\n`);
    process.exit(0);
  }
  if (mode.kind === 'http') await runHttp(server, mode.options, beforeExit);
  else await runStdio(server, beforeExit);
}
