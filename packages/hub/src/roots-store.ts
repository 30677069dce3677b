import { join } from 'node:path';
import { loadJsonFile, writeJsonFileAtomic } from '@taskdeck/node-common/json-file';
import { z } from 'zod';

const RootsFile = z.object({ roots: z.array(z.string()) });

/** The files and folders the user granted (the client's MCP roots), kept across restarts. */
export class RootsStore {
  private constructor(
    private readonly path: string,
    private roots: string[],
  ) {}

  static async open(dataDir: string): Promise<RootsStore> {
    const path = join(dataDir, 'roots.json');
    const loaded = await loadJsonFile(path, RootsFile);
    return new RootsStore(path, loaded.kind === 'loaded' ? loaded.value.roots : []);
  }

  list(): string[] {
    return [...this.roots];
  }

  /** Returns true when something was added. */
  async add(paths: string[]): Promise<boolean> {
    const fresh = paths.filter((p) => !this.roots.includes(p));
    if (fresh.length === 0) return false;
    this.roots = [...this.roots, ...fresh];
    await writeJsonFileAtomic(this.path, { roots: this.roots });
    return true;
  }

  async remove(path: string): Promise<boolean> {
    if (!this.roots.includes(path)) return false;
    this.roots = this.roots.filter((p) => p !== path);
    await writeJsonFileAtomic(this.path, { roots: this.roots });
    return true;
  }
}
