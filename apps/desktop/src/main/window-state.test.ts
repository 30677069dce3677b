import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVisibleOn, loadWindowState, saveWindowState } from './window-state';

describe('window state', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-window-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('saves and loads bounds, and ignores missing or malformed files', async () => {
    const file = join(dir, 'window-state.json');
    expect(loadWindowState(file)).toBeUndefined();
    saveWindowState(file, { x: 10, y: 20, width: 1200, height: 800, maximized: false });
    expect(loadWindowState(file)).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: false });
    await writeFile(file, '{"x": "left"}');
    expect(loadWindowState(file)).toBeUndefined();
    await writeFile(file, 'not json');
    expect(loadWindowState(file)).toBeUndefined();
  });

  it('restores only bounds whose title bar is on a display', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(isVisibleOn({ x: 100, y: 100, width: 800, height: 600 }, screen)).toBe(true);
    expect(isVisibleOn({ x: 2500, y: 100, width: 800, height: 600 }, screen)).toBe(false);
    expect(isVisibleOn({ x: 100, y: -400, width: 800, height: 600 }, screen)).toBe(false);
  });
});
