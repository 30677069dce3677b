import { describe, expect, it } from 'vitest';
import { formatOf } from './file-kinds.js';
import { extract, looksBinary, parseFrontMatter } from './formats.js';

describe('formatOf', () => {
  it('knows Markdown, text, HTML and source files, and nothing else', () => {
    expect(formatOf('/a/README.md')).toBe('markdown');
    expect(formatOf('/a/notes.TXT')).toBe('text');
    expect(formatOf('/a/page.htm')).toBe('html');
    expect(formatOf('/a/main.rs')).toBe('code');
    expect(formatOf('/a/Dockerfile')).toBe('code');
    expect(formatOf('/a/photo.png')).toBeUndefined();
    expect(formatOf('/a/.constructor')).toBeUndefined();
  });
});

describe('extract', () => {
  it('takes a Markdown title, category and tags from the front matter, headings apart, link targets dropped', () => {
    const doc = extract(
      '/g/a.md',
      '---\ntitle: "Using roots"\ncategory: Guide\ntags:\n  - MCP\n  - security\n---\n# Ignored H1\n\nSee [the spec](https://example.com/spec) ![logo](logo.png).\n\n## Granting folders\n```\n# not a heading\n```\n',
      'markdown',
    );
    expect(doc).toMatchObject({
      title: 'Using roots',
      category: 'guide',
      tags: ['mcp', 'security'],
      headings: 'Granting folders',
    });
    expect(doc.text).toContain('See the spec logo.');
    expect(doc.text).not.toContain('example.com');
  });

  it('uses the first H1 as the Markdown title, else the file name', () => {
    expect(extract('/g/b.md', 'Intro\n\n# The *Real* Title\n', 'markdown').title).toBe('The Real Title');
    expect(extract('/g/c.md', 'no heading', 'markdown')).toMatchObject({
      title: 'c.md',
      category: 'markdown',
      tags: [],
    });
  });

  it('keeps only the text of HTML: no scripts, styles or tags, entities decoded, blocks on lines', () => {
    const doc = extract(
      '/h/p.html',
      '<html><head><title>Caf&eacute; &amp; tea</title><style>p{color:red}</style><meta name="keywords" content="Food, Drinks"></head>' +
        '<body><h1>Menu</h1><script>var secret = 1;</script><p>Espresso&nbsp;bar</p><h2>Hours</h2><div>Open <b>daily</b></div></body></html>',
      'html',
    );
    expect(doc).toMatchObject({
      title: 'Café & tea',
      headings: 'Hours',
      category: 'html',
      tags: ['food', 'drinks'],
    });
    expect(doc.text).toBe('Menu\n\nEspresso bar\n\nHours\n\nOpen daily');
  });

  it('tags source files with their language and titles them by file name', () => {
    expect(extract('/s/task.ts', 'export const x = 1;', 'code')).toMatchObject({
      title: 'task.ts',
      category: 'code',
      tags: ['typescript'],
    });
  });

  it('titles text files by their first line and normalizes line ends and BOM', () => {
    const doc = extract('/t/n.txt', '\uFEFF\r\n  Release notes\r\nline two', 'text');
    expect(doc.title).toBe('Release notes');
    expect(doc.text).toBe('\n  Release notes\nline two');
  });

  it('spots binary content', () => {
    expect(looksBinary(Buffer.from([0x50, 0x4b, 0x00, 0x01]))).toBe(true);
    expect(looksBinary(Buffer.from('plain text'))).toBe(false);
  });

  it('leaves a document without front matter alone', () => {
    expect(parseFrontMatter('# Title\n---\n')).toEqual({ meta: { tags: [] }, body: '# Title\n---\n' });
  });
});
