/** Test helpers for the built web host, out/web/index.js, run as a child process. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Built by test/global-setup.ts (scripts/build-servers.mjs).
export const serverJs = fileURLToPath(new URL('../../../out/web/index.js', import.meta.url));

/** The URL with its token that the web host prints once it listens; rejects if it exits first. */
export function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /Taskdeck web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`web host exited early (code ${code}): ${output}`)));
  });
}
