import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomically } from './index-files.js';

describe('index files', () => {
  it('rejects, instead of crashing the process, when the folder is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'index-files-'));
    rmSync(dir, { recursive: true });
    await expect(
      writeAtomically(join(dir, 'index.jsonl'), async (out) => void out.write('x'.repeat(1_000_000))),
    ).rejects.toThrow(/ENOENT/);
  });
});
