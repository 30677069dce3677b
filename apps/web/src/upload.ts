/**
 * Files dropped on the page in a browser: the page streams the file here (`POST /upload?name=…`),
 * it is saved under `<dataDir>/uploads/`, granted to the servers as a root, and its path returned.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { HubApi } from '@taskdeck/hub/hub-api';

export const DEFAULT_UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A file name safe to create: the last path segment, no control or reserved characters. */
export function safeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const printable = [...last]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '_' : ch))
    .join('');
  const cleaned = printable
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'upload';
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

export async function receiveUpload(
  req: IncomingMessage,
  name: string | null,
  options: { hub: HubApi; dataDir: string; limitBytes: number },
): Promise<string> {
  if (!name) throw new UploadError(400, 'Missing ?name= (the file name)');
  const declared = Number(req.headers['content-length']);
  const tooLarge = `The file is larger than the upload limit of ${formatBytes(options.limitBytes)}`;
  if (Number.isFinite(declared) && declared > options.limitBytes) throw new UploadError(413, tooLarge);

  const folder = join(options.dataDir, 'uploads', `${Date.now()}-${randomBytes(4).toString('hex')}`);
  const path = join(folder, safeFileName(name));
  await mkdir(folder, { recursive: true });
  let received = 0;
  const limit = options.limitBytes;
  try {
    await pipeline(
      req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          if (received > limit) throw new UploadError(413, tooLarge);
          yield chunk;
        }
      },
      createWriteStream(path, { flags: 'wx' }),
    );
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    if (error instanceof UploadError) throw error;
    throw new UploadError(400, `Upload interrupted: ${(error as Error).message}`);
  }
  await options.hub.grantRoots([path]);
  return path;
}
