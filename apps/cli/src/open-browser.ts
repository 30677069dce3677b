import { spawn } from 'node:child_process';

/**
 * Opens an http(s) page in the user's browser: `open` on macOS, the URL protocol handler on
 * Windows (`rundll32`, which takes a URL with `&` as one argument, unlike `start` through cmd),
 * `xdg-open` elsewhere when a desktop session is there (without one it could start a text
 * browser in this terminal). Resolves false when no browser could be started: the caller prints
 * the URL instead. `TASKDECK_BROWSER=none` never opens one.
 */
export async function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') return false;
  if (env.TASKDECK_BROWSER === 'none') return false;
  const [command, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['rundll32.exe', 'url.dll,FileProtocolHandler', url]
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : [];
  if (!command) return false;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
