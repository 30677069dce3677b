/**
 * Diagnostics go to stderr: stdout belongs to JSON-RPC. The hub captures stderr
 * into the server's log, so lines are short, prefixed and one event each.
 */
export function stderrLog(server: string, level: 'info' | 'warn' | 'error', message: string): void {
  process.stderr.write(`[${server}] ${level}: ${message.replaceAll('\n', '\n  ')}\n`);
}
