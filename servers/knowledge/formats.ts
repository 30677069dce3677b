import { basename } from 'node:path';
import { Parser } from 'htmlparser2';
import { type DocumentFormat, languageOf } from './file-kinds.js';

export type { DocumentFormat } from './file-kinds.js';

export interface ExtractedDocument {
  format: DocumentFormat;
  title: string;
  /** Section headings, one per line: indexed as their own field (they rank above body text). */
  headings: string;
  /** The searchable text; snippets and highlight offsets refer to it. */
  text: string;
  category: string;
  tags: string[];
}

/** True when the bytes look binary (a NUL in the first 8 KiB), so the file is skipped. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

export function extract(path: string, content: string, format: DocumentFormat): ExtractedDocument {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  switch (format) {
    case 'markdown':
      return extractMarkdown(path, text);
    case 'html':
      return extractHtml(path, text);
    case 'code': {
      const language = languageOf(path);
      return { format, title: basename(path), headings: '', text, category: 'code', tags: [language] };
    }
    case 'text':
      return {
        format,
        title: firstLine(text) ?? basename(path),
        headings: '',
        text,
        category: 'text',
        tags: [],
      };
  }
}

function firstLine(text: string): string | undefined {
  const line = text.split('\n', 20).find((l) => l.trim().length > 0);
  return line ? clip(line.trim(), 120) : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface FrontMatter {
  title?: string;
  category?: string;
  tags: string[];
}

/**
 * Reads the small YAML subset guides use in front matter: `key: value`,
 * `tags: [a, b]` and `tags:` followed by `- item` lines. Other keys are ignored.
 */
export function parseFrontMatter(text: string): { meta: FrontMatter; body: string } {
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { meta: { tags: [] }, body: text };
  const meta: FrontMatter = { tags: [] };
  let listKey: string | undefined;
  for (const line of (match[1] ?? '').split('\n')) {
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && listKey === 'tags') {
      meta.tags.push(unquote(item[1] ?? ''));
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = (pair[1] ?? '').toLowerCase();
    const value = (pair[2] ?? '').trim();
    listKey = value === '' ? key : undefined;
    if (key === 'title' && value) meta.title = unquote(value);
    else if (key === 'category' && value) meta.category = unquote(value).toLowerCase();
    else if (key === 'tags' && value) {
      const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
      meta.tags.push(...inner.split(',').map(unquote));
    }
  }
  meta.tags = [...new Set(meta.tags.map((t) => t.toLowerCase()).filter(Boolean))];
  return { meta, body: text.slice(match[0].length) };
}

function unquote(value: string): string {
  return value.trim().replace(/^(['"])(.*)\1$/, '$2');
}

function extractMarkdown(path: string, raw: string): ExtractedDocument {
  const { meta, body } = parseFrontMatter(raw);
  // Keep the Markdown readable (the UI may render it) but drop what only adds noise to
  // search: link targets, image sources and HTML comments.
  const text = body
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^\[[^\]]+\]:\s*\S+.*$/gm, '');
  const headings: string[] = [];
  let h1: string | undefined;
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const title = stripInline(heading[2] ?? '');
    if (heading[1] === '#' && h1 === undefined) h1 = title;
    else headings.push(title);
  }
  return {
    format: 'markdown',
    title: meta.title ?? h1 ?? basename(path),
    headings: headings.join('\n'),
    text,
    category: meta.category ?? 'markdown',
    tags: meta.tags,
  };
}

function stripInline(text: string): string {
  return text.replace(/[*_`]+/g, '').trim();
}

/** Not body text (the <title> is taken as the title, not as text). */
const SKIPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'title']);
const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'main',
  'aside',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'dt',
  'dd',
  'figure',
]);

/** Text only: scripts, styles and markup dropped, entities decoded, blocks on their own lines. */
function extractHtml(path: string, raw: string): ExtractedDocument {
  const out: string[] = [];
  const headings: string[] = [];
  let title = '';
  let h1: string | undefined;
  let skipDepth = 0;
  let inTitle = false;
  let heading: { level: string; text: string } | undefined;
  let meta: { keywords?: string } = {};
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') inTitle = true;
        if (name === 'meta' && attributes.name?.toLowerCase() === 'keywords')
          meta = { keywords: attributes.content };
        if (SKIPPED_ELEMENTS.has(name)) skipDepth++;
        if (/^h[1-6]$/.test(name)) heading = { level: name, text: '' };
        if (BLOCK_ELEMENTS.has(name)) out.push('\n');
      },
      ontext(data) {
        if (inTitle) title += data;
        if (skipDepth > 0) return;
        out.push(data);
        if (heading) heading.text += data;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIPPED_ELEMENTS.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        if (heading && name === heading.level) {
          const text = heading.text.replace(/\s+/g, ' ').trim();
          if (heading.level === 'h1' && h1 === undefined) h1 = text;
          else if (text) headings.push(text);
          heading = undefined;
        }
        if (BLOCK_ELEMENTS.has(name)) out.push('\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(raw);
  parser.end();
  const text = out
    .join('')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const tags = (meta.keywords ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return {
    format: 'html',
    title: title.replace(/\s+/g, ' ').trim() || h1 || basename(path),
    headings: headings.join('\n'),
    text,
    category: 'html',
    tags: [...new Set(tags)],
  };
}
