import { describe, expect, it } from 'vitest';
import { languagesWithCommentSyntax } from './comment-syntax.js';
import { allLanguageNames, languageForFileName, languageForShebang } from './languages.js';

describe('language detection (Linguist data)', () => {
  it('knows hundreds of languages, not a hand-made list', () => {
    expect(allLanguageNames().size).toBeGreaterThan(500);
  });

  it.each([
    ['index.ts', 'TypeScript'],
    ['types.d.ts', 'TypeScript'],
    ['mod.mts', 'TypeScript'],
    ['App.tsx', 'TSX'],
    ['a.js', 'JavaScript'],
    ['a.cjs', 'JavaScript'],
    ['main.c', 'C'],
    ['util.h', 'C'],
    ['x.cpp', 'C++'],
    ['README.md', 'Markdown'],
    ['conf.yml', 'YAML'],
    ['data.json', 'JSON'],
    ['tsconfig.json', 'JSON with Comments'],
    ['script.pl', 'Perl'],
    ['query.sql', 'SQL'],
    ['lib.rs', 'Rust'],
    ['main.go', 'Go'],
    ['Main.java', 'Java'],
    ['x.py', 'Python'],
    ['Dockerfile', 'Dockerfile'],
    ['Makefile', 'Makefile'],
    ['.bashrc', 'Shell'],
    ['Gemfile', 'Ruby'],
    ['notes.txt', 'Text'],
    ['INDEX.HTML', 'HTML'],
  ])('%s is %s', (file, language) => {
    expect(languageForFileName(file)?.name).toBe(language);
  });

  it('returns undefined for unknown names', () => {
    expect(languageForFileName('image.png')).toBeUndefined();
    expect(languageForFileName('noextension')).toBeUndefined();
    expect(languageForFileName('.hidden')).toBeUndefined();
  });

  it.each([
    ['#!/usr/bin/env node', 'JavaScript'],
    ['#!/bin/bash -e', 'Shell'],
    ['#!/usr/bin/python3.12', 'Python'],
    ['#!/usr/bin/env -S node --no-warnings', 'JavaScript'],
    ['#!/usr/bin/env ruby', 'Ruby'],
  ])('shebang %s is %s', (line, language) => {
    expect(languageForShebang(line)?.name).toBe(language);
  });

  it('ignores lines that are not shebangs or name unknown programs', () => {
    expect(languageForShebang('# comment')).toBeUndefined();
    expect(languageForShebang('#!/usr/bin/env nosuchinterpreter')).toBeUndefined();
  });

  it('every language in the comment-syntax table is a Linguist language name', () => {
    const known = allLanguageNames();
    const unknown = languagesWithCommentSyntax().filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });
});
