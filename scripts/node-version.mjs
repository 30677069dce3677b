// The Node.js version Taskdeck needs: 22.12 or newer, what Electron and its install and packaging
// tools declare (npm prints EBADENGINE below it). The build (Vite) and the web host also run on
// 20.19 or newer; older versions cannot build at all.
export const REQUIRED = '22.12.0';
export const MINIMUM_TO_BUILD = '20.19.0';

/** @param {string} version "22.12.0" or "v22.12.0" */
function parts(version) {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** @param {string} a @param {string} b */
function atLeast(a, b) {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
}

/**
 * @param {string} version this Node's, e.g. process.version
 * @returns {{ level: 'ok' } | { level: 'warn' | 'fatal', message: string }}
 */
export function checkNodeVersion(version) {
  if (atLeast(version, REQUIRED)) return { level: 'ok' };
  const upgrade = `Taskdeck needs Node.js ${REQUIRED} or newer; this is ${version}. Install a current Node.js LTS (https://nodejs.org, or your package manager's nodejs 22).`;
  if (!atLeast(version, MINIMUM_TO_BUILD))
    return { level: 'fatal', message: `${upgrade} It cannot build on this version.` };
  return {
    level: 'warn',
    message: `${upgrade} Electron's install and packaging tools require it (npm install warned EBADENGINE); the build and the web host still run on this version.`,
  };
}
