import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The bundled servers are whatever `<bundled dir>/manifest.json` lists (the build writes it):
 * one standalone file each, run with the app's own runtime. The hub reads it like a user's
 * server list and knows no server by name.
 */
export const BUNDLED_MANIFEST = 'manifest.json';

export const BundledManifestSchema = z.object({
  format: z.literal(1),
  servers: z.array(
    z.object({
      name: z.string().regex(/^[\w.-]{1,64}$/),
      /** The server's file, relative to the manifest's folder. */
      file: z.string().regex(/^[\w.-]+\.m?js$/),
    }),
  ),
});

export interface BundledServer {
  name: string;
  /** Absolute path of the server's file. */
  path: string;
}

/** The bundled servers in `dir`: none when it has no manifest, and a reason when it is unreadable. */
export async function loadBundledManifest(
  dir: string,
): Promise<{ servers: BundledServer[]; problem?: string }> {
  const path = join(dir, BUNDLED_MANIFEST);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [] };
    return {
      servers: [],
      problem: `The bundled servers' list ${path} cannot be read: ${(error as Error).message}`,
    };
  }
  try {
    const manifest = BundledManifestSchema.parse(JSON.parse(text));
    return { servers: manifest.servers.map((s) => ({ name: s.name, path: join(dir, s.file) })) };
  } catch (error) {
    return {
      servers: [],
      problem: `The bundled servers' list ${path} is damaged (${(error as Error).message.split('\n')[0]}); reinstall Taskdeck.`,
    };
  }
}
