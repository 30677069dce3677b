import { basename, extname } from 'node:path';

/** How a file's text is extracted; also its default category. */
export type DocumentFormat = 'markdown' | 'text' | 'html' | 'code';

const MARKDOWN = new Set(['.md', '.markdown', '.mdx', '.mdown']);
const TEXT = new Set(['.txt', '.text', '.rst', '.adoc', '.org', '.log']);
const HTML = new Set(['.html', '.htm', '.xhtml']);
/** Source files, by extension → language (given as a tag, so a search can filter by language). */
const CODE: Record<string, string> = {
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.py': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.kt': 'kotlin',
  '.scala': 'scala',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.hpp': 'cpp',
  '.cs': 'csharp',
  '.swift': 'swift',
  '.rb': 'ruby',
  '.php': 'php',
  '.lua': 'lua',
  '.sh': 'shell',
  '.bash': 'shell',
  '.zsh': 'shell',
  '.ps1': 'powershell',
  '.sql': 'sql',
  '.css': 'css',
  '.scss': 'css',
  '.vue': 'vue',
  '.svelte': 'svelte',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.ini': 'ini',
  '.json': 'json',
  '.xml': 'xml',
  '.proto': 'protobuf',
  '.graphql': 'graphql',
  '.tf': 'terraform',
  '.ex': 'elixir',
  '.erl': 'erlang',
  '.hs': 'haskell',
  '.ml': 'ocaml',
  '.clj': 'clojure',
  '.dart': 'dart',
  '.r': 'r',
  '.jl': 'julia',
};
const CODE_FILE_NAMES: Record<string, string> = { dockerfile: 'docker', makefile: 'make' };

/** The language of a source file (a tag on its document). */
export function languageOf(path: string): string {
  const ext = extname(path).toLowerCase();
  const name = basename(path).toLowerCase();
  return (
    (Object.hasOwn(CODE, ext) && CODE[ext]) ||
    (Object.hasOwn(CODE_FILE_NAMES, name) && CODE_FILE_NAMES[name]) ||
    'code'
  );
}

/** The format of a file by its name, or undefined when it is not indexed. */
export function formatOf(path: string): DocumentFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (MARKDOWN.has(ext)) return 'markdown';
  if (TEXT.has(ext)) return 'text';
  if (HTML.has(ext)) return 'html';
  if (Object.hasOwn(CODE, ext) || Object.hasOwn(CODE_FILE_NAMES, basename(path).toLowerCase())) return 'code';
  return undefined;
}
