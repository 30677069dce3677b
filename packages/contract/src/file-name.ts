/** Longest extension kept when a name is shortened (`.csv`, `.parquet`, `.jsonl`…). */
const MAX_EXTENSION_CHARS = 16;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Shortens a file name to at most `maxBytes` of UTF-8, keeping whole characters and its
 * extension (the servers pick a parser by it). Names that fit come back unchanged.
 */
export function shortenFileName(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_CHARS ? name.slice(dot) : '';
  let budget = maxBytes - utf8Length(extension);
  let stem = '';
  for (const char of name.slice(0, name.length - extension.length)) {
    budget -= utf8Length(char);
    if (budget < 0) break;
    stem += char;
  }
  return stem + extension;
}
