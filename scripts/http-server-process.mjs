// Starts a server with --http and reads the URL it prints (its first line on stdout):
// used by the conformance run and by the tests that talk to a server over HTTP.
import { spawn } from 'node:child_process';

/**
 * @typedef {{ url: string, pid: number, stderr(): string, stop(): Promise<void> }} HttpServerProcess
 */

/**
 * @param {string} script a built server (out/servers/<name>.js)
 * @param {{ args?: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 *   `args` follow `--http --host 127.0.0.1 --port 0`; `env` is the whole environment
 * @returns {Promise<HttpServerProcess>}
 */
export function startHttpServer(script, options = {}) {
  const child = spawn(
    process.execPath,
    [script, '--http', '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])],
    { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((done) => child.once('exit', done));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    /** @param {string} why */
    const fail = (why) => {
      child.kill('SIGKILL');
      reject(new Error(`${script} --http: ${why}\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail(`no URL within ${options.timeoutMs ?? 10_000} ms`),
      options.timeoutMs ?? 10_000,
    );
    /** @param {number | null} code */
    const onExit = (code) => {
      clearTimeout(timer);
      fail(`exited with code ${code}`);
    };
    child.once('exit', onExit);
    const onData = (/** @type {Buffer} */ chunk) => {
      stdout += chunk;
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      resolve({
        url: stdout.slice(0, stdout.indexOf('\n')).trim(),
        pid: /** @type {number} */ (child.pid),
        stderr: () => stderr,
        stop,
      });
    };
    child.stdout.on('data', onData);
  });
}
