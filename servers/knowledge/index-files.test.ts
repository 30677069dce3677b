import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJson } from './index-files.js';

describe('index files', () => {
  it('rejects, instead of crashing the process, when the folder is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'index-files-'));
    rmSync(dir, { recursive: true });
    await expect(writeJson(join(dir, 'manifest.json'), { big: 'x'.repeat(1_000_000) })).rejects.toThrow(
      /ENOENT/,
    );
  });
});
