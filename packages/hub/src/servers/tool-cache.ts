import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Tool, ToolSchema } from '@modelcontextprotocol/sdk/types.js';
import { writeJsonFileAtomic } from '@taskdeck/node-common/json-file';
import { z } from 'zod';
import type { StdioServerSpec } from './server-config.js';

/**
 * What a cached tool list was made from: the command line, Taskdeck's version and, for a
 * bundled server, its file's size and modification time. When any of it differs the
 * list is not used (the server is started to list its tools again).
 */
export interface ToolCacheStamp {
  command: string;
  args: string[];
  appVersion: string;
  file?: { size: number; mtimeMs: number };
}

const CacheFileSchema = z.object({
  format: z.literal(1),
  stamp: z.unknown(),
  tools: z.array(ToolSchema),
});

/**
 * The tools of each server that starts on first use, kept in `<data dir>/cache/tools/<server>.json`
 * so the UI and the CLI list them while the server is not running. It is only a cache: a
 * missing, damaged or outdated file means "start the server to know", never an error.
 */
export class ToolCache {
  constructor(private readonly dir: string) {}

  static in(dataDir: string): ToolCache {
    return new ToolCache(join(dataDir, 'cache', 'tools'));
  }

  /** The stamp of a server as it would start now (a bundled server's file is looked at). */
  static async stampOf(spec: StdioServerSpec, appVersion: string): Promise<ToolCacheStamp> {
    const stamp: ToolCacheStamp = { command: spec.command, args: spec.args, appVersion };
    const file = spec.bundled ? spec.args[0] : undefined;
    if (file) {
      const info = await stat(file).catch(() => undefined);
      if (info) stamp.file = { size: info.size, mtimeMs: info.mtimeMs };
    }
    return stamp;
  }

  async read(server: string, stamp: ToolCacheStamp): Promise<Tool[] | undefined> {
    try {
      const parsed = CacheFileSchema.safeParse(JSON.parse(await readFile(this.path(server), 'utf8')));
      if (!parsed.success || JSON.stringify(parsed.data.stamp) !== JSON.stringify(stamp)) return undefined;
      return parsed.data.tools;
    } catch {
      return undefined;
    }
  }

  write(server: string, stamp: ToolCacheStamp, tools: Tool[]): Promise<void> {
    return writeJsonFileAtomic(this.path(server), { format: 1, stamp, tools });
  }

  private path(server: string): string {
    return join(this.dir, `${server}.json`);
  }
}
