import { join } from 'node:path';
import { JsonFileWriter, loadJsonFile } from '@taskdeck/node-common/json-file';
import { z } from 'zod';

const RootsFile = z.object({ roots: z.array(z.string()) });

/** The files and folders the user granted (the client's MCP roots), kept across restarts. */
export class RootsStore {
  /** Saves in call order: concurrent grants' atomic writes would otherwise land in any order. */
  private readonly writer: JsonFileWriter;

  private constructor(
    path: string,
    private roots: string[],
    /** False while a damaged roots.json could not be moved aside: it is never written over. */
    private readonly persist: boolean,
    /** What went wrong with the saved file, for the user (undefined when all is well). */
    readonly notice: string | undefined,
  ) {
    this.writer = new JsonFileWriter(path);
  }

  static async open(dataDir: string): Promise<RootsStore> {
    const path = join(dataDir, 'roots.json');
    const loaded = await loadJsonFile(path, RootsFile);
    switch (loaded.kind) {
      case 'loaded':
        return new RootsStore(path, loaded.value.roots, true, undefined);
      case 'missing':
        return new RootsStore(path, [], true, undefined);
      case 'corrupt':
        return new RootsStore(
          path,
          [],
          true,
          `The list of granted files and folders ${path} ${loaded.reason}. It was moved to ${loaded.backupPath}; nothing is granted now, so grant again what the servers should read.`,
        );
      case 'stuck':
        return new RootsStore(
          path,
          [],
          false,
          `The list of granted files and folders ${path} ${loaded.reason}. Nothing is granted now, and what you grant is forgotten when Taskdeck quits until that file is repaired or removed.`,
        );
    }
  }

  list(): string[] {
    return [...this.roots];
  }

  /** Returns true when something was added. */
  async add(paths: string[]): Promise<boolean> {
    const fresh = paths.filter((p) => !this.roots.includes(p));
    if (fresh.length === 0) return false;
    this.roots = [...this.roots, ...fresh];
    try {
      await this.save();
    } catch (error) {
      // A grant the user is told failed must not be in effect either.
      this.roots = this.roots.filter((p) => !fresh.includes(p));
      throw error;
    }
    return true;
  }

  /** A revoke takes effect even when it cannot be saved (safer); the save error is thrown after. */
  async remove(path: string): Promise<boolean> {
    if (!this.roots.includes(path)) return false;
    this.roots = this.roots.filter((p) => p !== path);
    await this.save();
    return true;
  }

  private async save(): Promise<void> {
    if (this.persist) await this.writer.save({ roots: this.roots });
  }
}
