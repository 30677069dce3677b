import { isLoopback } from './http-access.js';
import { McpHttpEndpoint } from './http-endpoint.js';
import type { HttpOptions } from './serve-options.js';
import { serverProcess } from './server-process.js';
import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

/**
 * Runs a server over Streamable HTTP until a termination signal. Its URL is the one line
 * it prints on stdout; diagnostics go to stderr as over stdio.
 */
export async function runHttp(
  server: TaskServer,
  options: HttpOptions,
  beforeExit: () => Promise<void>,
): Promise<void> {
  const name = server.identity.name;
  let endpoint: McpHttpEndpoint;
  try {
    endpoint = await McpHttpEndpoint.listen(server, options);
  } catch (error) {
    stderrLog(name, 'error', `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    process.exit(1);
  }
  // Work is cancelled first, so clients still connected hear how their tasks ended.
  serverProcess(server, [() => endpoint.close(), beforeExit]);
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  process.stdout.write(`${endpoint.url}\n`);
  const auth = options.token ? 'bearer token required' : 'no token';
  stderrLog(name, 'info', `ready (pid ${process.pid}): MCP over HTTP at ${endpoint.url} (${auth})`);
  if (!isLoopback(options.host)) {
    stderrLog(
      name,
      'warn',
      'plain HTTP beyond this machine: requests and the token travel unencrypted; put a TLS proxy or an SSH tunnel in front',
    );
  }
}
