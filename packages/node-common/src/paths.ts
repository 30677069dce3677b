import { sep } from 'node:path';

/** Whether `path` is `root` or lies under it (both absolute and already resolved). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
