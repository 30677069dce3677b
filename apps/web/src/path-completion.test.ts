import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePath } from './path-completion';

describe('completePath', () => {
  let base: string;
  let home: string;
  let outside: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'taskdeck-complete-'));
    home = join(base, 'home');
    outside = join(base, 'outside');
    await mkdir(join(home, 'projects', 'alpha'), { recursive: true });
    await mkdir(join(home, 'projects', 'beta'), { recursive: true });
    await mkdir(join(home, '.secret'), { recursive: true });
    await writeFile(join(home, 'projects', 'notes.csv'), 'a\n1\n');
    await mkdir(join(outside, 'private'), { recursive: true });
    await symlink(outside, join(home, 'escape'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const scope = () => ({ allowed: [home], home });

  it('lists the matching folders in the home folder, and no file names', async () => {
    const result = await completePath(`${join(home, 'projects')}/`, scope());
    expect(result.error).toBeUndefined();
    expect(result.entries).toEqual([
      { path: join(home, 'projects', 'alpha'), kind: 'directory' },
      { path: join(home, 'projects', 'beta'), kind: 'directory' },
    ]);
    const partial = await completePath(join(home, 'projects', 'b'), scope());
    expect(partial.entries.map((e) => e.path)).toEqual([join(home, 'projects', 'beta')]);
  });

  it('expands ~ and hides dot entries unless the typed name starts with a dot', async () => {
    const result = await completePath('~/', scope());
    expect(result.entries.map((e) => e.path)).not.toContain(join(home, '.secret'));
    expect((await completePath('~/.s', scope())).entries.map((e) => e.path)).toEqual([join(home, '.secret')]);
  });

  it('refuses folders outside the allowed ones, also through a symlink', async () => {
    const direct = await completePath(`${outside}/`, scope());
    expect(direct.entries).toEqual([]);
    expect(direct.error).toMatch(/home folder or folders you granted/);
    const viaLink = await completePath(`${join(home, 'escape')}/`, scope());
    expect(viaLink.entries).toEqual([]);
    expect(viaLink.error).toMatch(/home folder or folders you granted/);
    const granted = await completePath(`${outside}/`, { allowed: [home, outside], home });
    expect(granted.entries.map((e) => e.path)).toEqual([join(outside, 'private')]);
  });

  it('explains relative paths, missing folders and files used as folders', async () => {
    expect((await completePath('projects/', scope())).error).toMatch(/absolute path/);
    expect((await completePath(`${join(home, 'nope')}/`, scope())).error).toMatch(/No folder/);
    expect((await completePath(`${join(home, 'projects', 'notes.csv')}/`, scope())).error).toBeDefined();
  });

  it('returns at most `limit` entries and says so', async () => {
    const result = await completePath(`${join(home, 'projects')}/`, { ...scope(), limit: 1 });
    expect(result.entries).toHaveLength(1);
    expect(result.truncated).toBe(true);
  });
});
