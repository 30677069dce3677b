/**
 * Flags generated and minified files, after the rules of Linguist's generated.rb that
 * need no parsing: lock files, source maps, `.min.` bundles, long average lines, and
 * "generated" banners in the first lines.
 */

export type GeneratedReason = 'lockfile' | 'source map' | 'minified' | 'generated banner';

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'Cargo.lock',
  'composer.lock',
  'Gemfile.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'go.sum',
  'flake.lock',
  'pubspec.lock',
  'Podfile.lock',
  'mix.lock',
]);

/** Languages whose long average lines mean minified output (Linguist checks .js and .css). */
const MINIFIABLE = new Set(['JavaScript', 'CSS', 'TypeScript', 'TSX']);
/** Linguist's threshold: an average line longer than this in JS/CSS is minified. */
const MINIFIED_AVERAGE_LINE = 110;

/** Decided from the name alone, before reading. */
export function generatedByName(fileName: string): GeneratedReason | undefined {
  if (LOCKFILES.has(fileName)) return 'lockfile';
  if (/\.(js|cjs|mjs|css)\.map$/i.test(fileName)) return 'source map';
  if (/[.-]min\.(js|cjs|mjs|css)$/i.test(fileName)) return 'minified';
  return undefined;
}

const BANNER =
  /@generated\b|\bdo not edit\b|\bauto-?generated\b|\b(?:generated|produced) (?:by|from|with|using) (?:the )?[\w@.-]+|\bthis file (?:is|was) (?:automatically )?generated\b/i;

/** Looks for a "generated" banner in the first lines (`head` is the start of the file). */
export function hasGeneratedBanner(head: string): boolean {
  let end = 0;
  for (let line = 0; line < 5 && end !== -1; line++) end = head.indexOf('\n', end + 1);
  return BANNER.test(end === -1 ? head.slice(0, 1000) : head.slice(0, Math.min(end, 1000)));
}

export function looksMinified(language: string, bytes: number, lines: number): boolean {
  return MINIFIABLE.has(language) && lines > 0 && bytes / lines > MINIFIED_AVERAGE_LINE;
}
