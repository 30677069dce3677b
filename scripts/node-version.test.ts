import { describe, expect, it } from 'vitest';
import { checkNodeVersion } from './node-version.mjs';

describe('checkNodeVersion', () => {
  it('accepts 22.12 and newer', () => {
    expect(checkNodeVersion('v22.12.0')).toEqual({ level: 'ok' });
    expect(checkNodeVersion('v24.1.0')).toEqual({ level: 'ok' });
    expect(checkNodeVersion('v23.0.0')).toEqual({ level: 'ok' });
  });

  it('warns on 20.19 to 22.11, where the build and the web host run but Electron’s tools do not', () => {
    const warned = checkNodeVersion('v22.11.0');
    expect(warned.level).toBe('warn');
    expect(warned.level !== 'ok' && warned.message).toMatch(
      /^Taskdeck needs Node\.js 22\.12\.0 or newer; this is v22\.11\.0\./,
    );
    expect(checkNodeVersion('v20.19.0').level).toBe('warn');
  });

  it('stops below 20.19: nothing can be built', () => {
    const stopped = checkNodeVersion('v20.18.3');
    expect(stopped.level).toBe('fatal');
    expect(stopped.level !== 'ok' && stopped.message).toContain('It cannot build on this version.');
    expect(checkNodeVersion('v18.20.0').level).toBe('fatal');
  });
});
