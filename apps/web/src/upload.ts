/**
 * Files dropped on the page in a browser: the page streams the file here (`POST /upload?name=…`),
 * it is saved as `<dataDir>/uploads/<folder>/<name>`, granted to the servers as a root, and its
 * path returned. The folder is bounded in total; an upload is deleted when its grant is
 * revoked, and folders no longer granted are deleted when the web host starts.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { shortenFileName } from '@taskdeck/contract/file-name';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { formatBytes } from '@taskdeck/node-common/format-bytes';

export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;
export const DEFAULT_UPLOADS_TOTAL_BYTES = 10 * 1024 ** 3;
/** Names on disk stay well under the 255-byte limit of common file systems. */
const MAX_DISK_NAME_BYTES = 200;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A file name safe to create: the last path segment, no control or reserved characters, short enough. */
export function safeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const printable = [...last]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '_' : ch))
    .join('');
  const cleaned = printable
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return shortenFileName(cleaned, MAX_DISK_NAME_BYTES) || 'upload';
}

const SIZE_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "10GB", "500 MB", "1.5g", "4096": a byte count (binary units); undefined when it is none. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])i?b?|b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** Bytes of the files under `path` (a file or a folder), without following links. */
async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  const entries = await readdir(path);
  const sizes = await Promise.all(entries.map((entry) => sizeOf(join(path, entry))));
  return sizes.reduce((sum, size) => sum + size, 0);
}

export interface UploadsOptions {
  hub: HubApi;
  dataDir: string;
  /** One file at most; default DEFAULT_UPLOAD_LIMIT_BYTES. */
  fileLimitBytes?: number;
  /** The whole uploads folder at most; default DEFAULT_UPLOADS_TOTAL_BYTES. */
  totalLimitBytes?: number;
}

export class Uploads {
  /** Bytes of the finished uploads on disk. */
  #stored = 0;
  /** Bytes received so far by the uploads in progress: they count against the total too. */
  #receiving = 0;

  private constructor(
    /** Real path of `<dataDir>/uploads`: grants are stored resolved, so revoked paths compare with it. */
    readonly folder: string,
    private readonly hub: HubApi,
    private readonly fileLimit: number,
    private readonly totalLimit: number,
  ) {}

  /** Creates the folder, deletes what is no longer granted and measures the rest. */
  static async open(options: UploadsOptions): Promise<Uploads> {
    const path = join(options.dataDir, 'uploads');
    // Copies of the user's files: owner-only, whatever the file they came from allowed.
    await mkdir(path, { recursive: true, mode: 0o700 });
    const uploads = new Uploads(
      await realpath(path),
      options.hub,
      options.fileLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES,
      options.totalLimitBytes ?? DEFAULT_UPLOADS_TOTAL_BYTES,
    );
    const granted = new Set(options.hub.roots().map((root) => dirname(root)));
    // With the grants list damaged, nobody knows what was granted: delete nothing.
    const intact = options.hub.rootsIntact();
    for (const entry of await readdir(uploads.folder)) {
      const folder = join(uploads.folder, entry);
      if (granted.has(folder) || !intact) uploads.#stored += await sizeOf(folder);
      else await rm(folder, { recursive: true, force: true });
    }
    return uploads;
  }

  #full(): UploadError {
    return new UploadError(
      413,
      `The uploads folder is full (${formatBytes(this.#stored)} of ${formatBytes(this.totalLimit)}): ` +
        'revoke uploaded files you no longer need (Servers panel, granted files), then try again',
    );
  }

  async receive(req: IncomingMessage, name: string | null): Promise<string> {
    if (!name) throw new UploadError(400, 'Missing ?name= (the file name)');
    const tooLarge = new UploadError(
      413,
      `The file is larger than the upload limit of ${formatBytes(this.fileLimit)}`,
    );
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared)) {
      if (declared > this.fileLimit) throw tooLarge;
      if (this.#stored + this.#receiving + declared > this.totalLimit) throw this.#full();
    }

    const folder = join(this.folder, `${Date.now()}-${randomBytes(4).toString('hex')}`);
    const path = join(folder, safeFileName(name));
    await mkdir(folder, { recursive: true });
    let received = 0;
    try {
      await pipeline(
        req,
        async function* (this: Uploads, source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            this.#receiving += chunk.length;
            if (received > this.fileLimit) throw tooLarge;
            if (this.#stored + this.#receiving > this.totalLimit) throw this.#full();
            yield chunk;
          }
        }.bind(this),
        createWriteStream(path, { flags: 'wx' }),
      );
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      if (error instanceof UploadError) throw error;
      throw new UploadError(400, `Upload interrupted: ${(error as Error).message}`);
    } finally {
      this.#receiving -= received;
    }
    this.#stored += received;
    try {
      await this.hub.grantRoots([path]);
    } catch (error) {
      await this.discard(path);
      throw error;
    }
    return path;
  }

  /** Deletes an upload once its grant is gone; any other path is left alone. */
  async discard(path: string): Promise<void> {
    const folder = dirname(path);
    if (dirname(folder) !== this.folder) return;
    const size = await sizeOf(folder).catch(() => 0);
    await rm(folder, { recursive: true, force: true });
    this.#stored = Math.max(0, this.#stored - size);
  }
}
