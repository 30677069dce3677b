import * as linguist from 'linguist-languages';

/**
 * Language detection from GitHub Linguist's data (file names, extensions, shebang
 * interpreters). Linguist resolves extensions shared by several languages with content
 * heuristics; we pick one language per extension instead (see `preferredFor`), since
 * reading content to disambiguate would cost a pass over every file.
 */

interface LinguistLanguage {
  name: string;
  type: string;
  group?: string;
  extensions?: readonly string[];
  filenames?: readonly string[];
  interpreters?: readonly string[];
}

/**
 * Extensions shared by languages of equal rank (or where the generic rule picks the rarer
 * one): the common choice, as cloc and editors make it.
 */
const EXTENSION_OVERRIDES: Record<string, string> = {
  '.h': 'C',
  '.m': 'Objective-C',
  '.pl': 'Perl',
  '.t': 'Perl',
  '.inc': 'PHP',
  '.cls': 'TeX',
  '.d': 'D',
  '.fs': 'F#',
  '.r': 'R',
  '.v': 'Verilog',
  '.cs': 'C#',
  '.sql': 'SQL',
  '.json': 'JSON',
  '.yml': 'YAML',
  '.yaml': 'YAML',
  '.md': 'Markdown',
  '.ts': 'TypeScript',
  '.tsx': 'TSX',
  '.html': 'HTML',
  '.txt': 'Text',
  '.pro': 'QMake',
  '.b': 'Brainfuck',
  '.mod': 'Modula-2',
  '.rs': 'Rust',
  '.as': 'ActionScript',
  '.bas': 'Visual Basic 6.0',
  '.frm': 'Visual Basic 6.0',
  '.vba': 'VBA',
  '.hh': 'C++',
  '.es': 'JavaScript',
  '.gs': 'JavaScript',
  '.frag': 'GLSL',
  '.l': 'Lex',
  '.lsp': 'Common Lisp',
  '.ml': 'OCaml',
  '.pm': 'Perl',
  '.cgi': 'Perl',
  '.scm': 'Scheme',
  '.cake': 'C#',
  '.nu': 'Nushell',
  '.ls': 'LiveScript',
  '.e': 'Eiffel',
  '.plt': 'Gnuplot',
  '.pod': 'Pod',
  '.mqh': 'MQL5',
  '.uc': 'UnrealScript',
  '.bb': 'BitBake',
  '.mo': 'Modelica',
};

const TYPE_RANK: Record<string, number> = { programming: 3, markup: 2, data: 1, prose: 0 };

const languages = Object.values(linguist as unknown as Record<string, LinguistLanguage>).filter(
  (l): l is LinguistLanguage => typeof l === 'object' && l !== null && typeof l.name === 'string',
);

function preferredFor(ext: string, candidates: LinguistLanguage[]): LinguistLanguage {
  const override = EXTENSION_OVERRIDES[ext];
  const chosen = override ? candidates.find((l) => l.name === override) : undefined;
  if (chosen) return chosen;
  const score = (l: LinguistLanguage) =>
    (l.extensions?.[0] === ext ? 8 : 0) + (TYPE_RANK[l.type] ?? 0) * 2 + (l.group ? 0 : 1);
  return [...candidates].sort(
    (a, b) => score(b) - score(a) || a.name.localeCompare(b.name),
  )[0] as LinguistLanguage;
}

function buildIndexes() {
  const byExtension = new Map<string, LinguistLanguage[]>();
  const byFileName = new Map<string, LinguistLanguage[]>();
  const byInterpreter = new Map<string, LinguistLanguage[]>();
  const add = (map: Map<string, LinguistLanguage[]>, key: string, l: LinguistLanguage) => {
    const list = map.get(key);
    if (list) list.push(l);
    else map.set(key, [l]);
  };
  for (const l of languages) {
    for (const ext of l.extensions ?? []) add(byExtension, ext.toLowerCase(), l);
    for (const name of l.filenames ?? []) add(byFileName, name, l);
    for (const interpreter of l.interpreters ?? []) add(byInterpreter, interpreter, l);
  }
  const resolve = (map: Map<string, LinguistLanguage[]>) =>
    new Map([...map].map(([key, list]) => [key, preferredFor(key, list)] as const));
  return {
    extensions: resolve(byExtension),
    fileNames: resolve(byFileName),
    interpreters: resolve(byInterpreter),
  };
}

const index = buildIndexes();
/** Longest extension Linguist knows, in dots: `.tar.gz`-style suffixes are tried longest first. */
const MAX_EXTENSION_DOTS = Math.max(...[...index.extensions.keys()].map((e) => e.split('.').length - 1));

export interface Language {
  name: string;
  /** Linguist's type: programming, markup, data or prose. */
  type: string;
}

function toLanguage(l: LinguistLanguage | undefined): Language | undefined {
  return l && { name: l.name, type: l.type };
}

/** The language of a file from its name alone (exact file names first, then extensions). */
export function languageForFileName(fileName: string): Language | undefined {
  const exact = index.fileNames.get(fileName) ?? index.fileNames.get(fileName.toLowerCase());
  if (exact) return toLanguage(exact);
  const lower = fileName.toLowerCase();
  // Try `.d.ts`-style multi-dot suffixes before the last extension; a leading dot is a hidden file, not an extension.
  let dot = lower.indexOf('.', 1);
  while (dot !== -1) {
    const suffix = lower.slice(dot);
    if (suffix.split('.').length - 1 <= MAX_EXTENSION_DOTS) {
      const found = index.extensions.get(suffix);
      if (found) return toLanguage(found);
    }
    dot = lower.indexOf('.', dot + 1);
  }
  return undefined;
}

/**
 * The language named by a shebang line (`#!/usr/bin/env node`, `#!/bin/bash -e`,
 * `#!/usr/bin/env -S deno run`, `#!/usr/bin/python3.12`), or undefined.
 */
export function languageForShebang(firstLine: string): Language | undefined {
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/);
  let program = words[0]?.split('/').pop() ?? '';
  if (program === 'env') {
    program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
  }
  const exact = index.interpreters.get(program);
  if (exact) return toLanguage(exact);
  // python3.12 -> python3 -> python
  const withoutVersion = program.replace(/[\d.]+$/, '');
  return toLanguage(
    index.interpreters.get(withoutVersion.replace(/\d+$/, '')) ?? index.interpreters.get(withoutVersion),
  );
}

/** Every Linguist language name (for tests and for checking the comment-syntax table). */
export function allLanguageNames(): Set<string> {
  return new Set(languages.map((l) => l.name));
}
