import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { profileCsv } from './csv-profiler.js';

// Root reads any file whatever its mode, so the permission error is also simulated.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (path: string, ...rest: [string]) => {
      if (String(path).endsWith('simulated-locked.csv')) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      }
      return fs.open(path, ...rest);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'analytics-unreadable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an unreadable file', () => {
  it('is reported as permission denied', async () => {
    await expect(profileCsv(join(dir, 'simulated-locked.csv'))).rejects.toThrow(
      /^Permission denied: cannot read .*simulated-locked\.csv$/,
    );
  });

  it.skipIf(process.getuid?.() === 0)(
    'is reported as permission denied for a real mode-000 file',
    async () => {
      const path = join(dir, 'locked.csv');
      writeFileSync(path, 'a\n1\n');
      chmodSync(path, 0);
      await expect(profileCsv(path)).rejects.toThrow(/Permission denied/);
    },
  );
});
