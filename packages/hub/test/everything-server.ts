import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * `@modelcontextprotocol/server-everything` (a third-party server from the npm registry) in its
 * HTTP modes, as a child on a free port of 127.0.0.1 (loopback-only.mjs keeps it there).
 */
export class EverythingServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `streamableHttp` serves /mcp; `sse` (the legacy transport) serves /sse. */
  static async start(mode: 'streamableHttp' | 'sse'): Promise<EverythingServer> {
    const port = await freePort();
    const entry = createRequire(import.meta.url).resolve(
      '@modelcontextprotocol/server-everything/dist/index.js',
    );
    const child = spawn(
      process.execPath,
      ['--import', join(import.meta.dirname, 'loopback-only.mjs'), entry, mode],
      { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/listening on port|running on port/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server-everything exited (${code}): ${output}`));
      });
    });
    return new EverythingServer(child, `http://127.0.0.1:${port}${mode === 'sse' ? '/sse' : '/mcp'}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
