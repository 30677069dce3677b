import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_IDLE_MS, dataDir, delay, serverIdle, timeScale } from './environment.js';

describe('dataDir', () => {
  it('prefers TASKDECK_DATA_DIR', () => {
    expect(dataDir({ TASKDECK_DATA_DIR: '/tmp/x' }, 'linux')).toBe('/tmp/x');
  });

  it('uses the platform’s app-data folder', () => {
    expect(dataDir({ XDG_CONFIG_HOME: '/home/u/.config' }, 'linux')).toBe('/home/u/.config/Taskdeck');
    expect(dataDir({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toMatch(/Roaming.Taskdeck$/);
    expect(dataDir({}, 'darwin')).toMatch(/Library.Application Support.Taskdeck$/);
  });
});

describe('timeScale', () => {
  it('defaults to 1 and reads numbers', () => {
    expect(timeScale({})).toBe(1);
    expect(timeScale({ TASKDECK_TIME_SCALE: '0.01' })).toBe(0.01);
    expect(timeScale({ TASKDECK_TIME_SCALE: '0' })).toBe(0);
  });

  it('reports and ignores a bad value', () => {
    const warnings: string[] = [];
    expect(timeScale({ TASKDECK_TIME_SCALE: 'fast' }, (w) => warnings.push(w))).toBe(1);
    expect(timeScale({ TASKDECK_TIME_SCALE: '-1' }, (w) => warnings.push(w))).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"fast"');
  });
});

describe('delay', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = delay(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('rejects at once when already aborted', async () => {
    await expect(delay(10, AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
  });
});

describe('serverIdle', () => {
  it('reads durations; a bare number is seconds; 0, off and never mean never stop', () => {
    expect(serverIdle(undefined)).toEqual({ stopAfterMs: DEFAULT_SERVER_IDLE_MS });
    expect(serverIdle('')).toEqual({ stopAfterMs: 300_000 });
    expect(serverIdle('30s')).toEqual({ stopAfterMs: 30_000 });
    expect(serverIdle(' 5m ')).toEqual({ stopAfterMs: 300_000 });
    expect(serverIdle('1H')).toEqual({ stopAfterMs: 3_600_000 });
    expect(serverIdle('250ms')).toEqual({ stopAfterMs: 250 });
    expect(serverIdle('1.5')).toEqual({ stopAfterMs: 1500 });
    expect(serverIdle('0')).toBeUndefined();
    expect(serverIdle('0s')).toBeUndefined();
    expect(serverIdle('off')).toBeUndefined();
    expect(serverIdle('never')).toBeUndefined();
  });

  it('reports a bad value and keeps the default', () => {
    const warnings: string[] = [];
    expect(serverIdle('-1m', (m) => warnings.push(m), '--server-idle')).toEqual({ stopAfterMs: 300_000 });
    expect(serverIdle('soon', (m) => warnings.push(m))).toEqual({ stopAfterMs: 300_000 });
    expect(warnings).toEqual([
      '--server-idle="-1m" is not a duration such as 30s, 5m or 0; using 5m',
      'TASKDECK_SERVER_IDLE="soon" is not a duration such as 30s, 5m or 0; using 5m',
    ]);
  });
});
