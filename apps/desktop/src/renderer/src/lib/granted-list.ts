/**
 * The Granted list as a person reads it: Taskdeck's own readable folders by name ("Taskdeck's
 * samples"), uploaded files together under one heading by their file names, then what the user
 * granted, by path.
 */
import type { AppFolder } from '@taskdeck/contract';

export interface GrantGroup {
  /** A heading for grants inside an app folder (uploads); none for the user's own grants. */
  label?: string;
  items: readonly { path: string; name: string }[];
}

export interface GrantedList {
  /** Readable without a grant, never revocable. */
  appFolders: readonly AppFolder[];
  groups: readonly GrantGroup[];
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;

function inside(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`) || path.startsWith(`${folder}\\`);
}

export function grantedList(roots: readonly string[], appFolders: readonly AppFolder[]): GrantedList {
  const grouping = appFolders.filter((folder) => !folder.granted);
  const grouped = new Map<AppFolder, { path: string; name: string }[]>();
  const own: { path: string; name: string }[] = [];
  for (const path of roots) {
    const folder = grouping.find((candidate) => inside(path, candidate.path));
    if (folder) grouped.set(folder, [...(grouped.get(folder) ?? []), { path, name: baseName(path) }]);
    else own.push({ path, name: path });
  }
  return {
    appFolders: appFolders.filter((folder) => folder.granted),
    groups: [
      ...(own.length > 0 ? [{ items: own }] : []),
      ...[...grouped].map(([folder, items]) => ({ label: `${folder.label} (${items.length})`, items })),
    ],
  };
}
