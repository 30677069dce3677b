import { describe, expect, it } from 'vitest';
import { commentSyntaxOf, languagesWithCommentSyntax } from './comment-syntax.js';
import { compileSyntax, countLines, DATA_BYTES, dataBuffer, LineCounter } from './line-counter.js';

const count = (language: string, text: string) => {
  const { code, comment, blank } = countLines(text, commentSyntaxOf(language));
  return { code, comment, blank };
};

describe('line counter: C family', () => {
  it('counts line and block comments, blank lines inside block comments, and mixed lines as code', () => {
    const text = [
      '// line comment',
      '/* block',
      '',
      '   still comment */',
      'int x = 1; // trailing comment is code',
      '/* one */ int y; /* two */',
      '   /* a */ /* b */   ',
      '',
      'return 0;',
    ].join('\n');
    expect(count('C', text)).toEqual({ code: 3, comment: 4, blank: 2 });
  });

  it('ignores comment markers inside strings and char literals', () => {
    const text = [
      's = "http://x /* not a comment";',
      "c = '\"'; // quote char",
      'p = "\\" still string // x";',
      'q();',
    ].join('\n');
    expect(count('C', text)).toEqual({ code: 4, comment: 0, blank: 0 });
  });

  it('does not let a one-line string swallow the next lines when unterminated', () => {
    expect(count('C', ['x = "unterminated', '// comment'].join('\n'))).toEqual({
      code: 1,
      comment: 1,
      blank: 0,
    });
  });

  it('tracks JavaScript template literals across lines', () => {
    const text = ['const t = `line', '// inside template, code', '`;', '// real comment'].join('\n');
    expect(count('JavaScript', text)).toEqual({ code: 3, comment: 1, blank: 0 });
  });

  it('nests block comments in Rust but not in C', () => {
    const nestedText = ['/* outer /* inner */ still comment', 'still */', 'fn main() {}'].join('\n');
    expect(count('Rust', nestedText)).toEqual({ code: 1, comment: 2, blank: 0 });
    // In C the first */ closes the comment, so the rest of line 1 and "still */" are code.
    expect(count('C', nestedText)).toEqual({ code: 3, comment: 0, blank: 0 });
  });

  it('counts a line after a closing */ with code as code', () => {
    expect(count('Java', ['/* a', 'b */ int x;'].join('\n'))).toEqual({ code: 1, comment: 1, blank: 0 });
  });
});

describe('line counter: other comment styles', () => {
  it('Python: # comments, # inside strings, triple-quoted text as comment wherever it stands (as cloc)', () => {
    const text = [
      '#!/usr/bin/env python3',
      'def f():',
      '    """Docstring',
      '',
      '    more docs"""',
      '    s = "# not a comment"',
      "    t = '''multi",
      "    line string'''",
      '    return s  # trailing',
    ].join('\n');
    // Code: the shebang, def, s =, t = (the opening line has code), return.
    expect(count('Python', text)).toEqual({ code: 5, comment: 3, blank: 1 });
  });

  it('Shell: # comments anywhere, $# is not special for counting, the shebang is code (as cloc)', () => {
    const text = ['#!/bin/sh', '# comment', 'echo $# # count', '', '  # indented'].join('\n');
    expect(count('Shell', text)).toEqual({ code: 2, comment: 2, blank: 1 });
    // Only on the first line, and only #! (a # comment on line 1 stays a comment).
    expect(count('Shell', '# c\n#!x\n')).toEqual({ code: 0, comment: 2, blank: 0 });
    // Only in cloc's script languages: PowerShell's shebang is a comment.
    expect(count('PowerShell', '#!/usr/bin/env pwsh\nx\n')).toEqual({ code: 1, comment: 1, blank: 0 });
  });

  it('HTML and XML: <!-- --> blocks', () => {
    const text = ['<!-- a', 'b -->', '<p>x</p> <!-- c -->', '<!-- d --> <br/>', '<!---->'].join('\n');
    expect(count('HTML', text)).toEqual({ code: 2, comment: 3, blank: 0 });
    expect(count('XML', text)).toEqual({ code: 2, comment: 3, blank: 0 });
  });

  it('SQL: -- and /* */, with quotes doubled inside strings', () => {
    const text = [
      '-- header',
      "SELECT 'it''s -- not a comment' FROM t;",
      '/* multi',
      'line */',
      'SELECT 1; -- trailing',
    ].join('\n');
    expect(count('SQL', text)).toEqual({ code: 2, comment: 3, blank: 0 });
  });

  it('Lua: -- lines and --[[ ]] / --[==[ ]==] long comments', () => {
    const text = [
      '-- line',
      '--[[ block',
      'still ]]',
      '--[==[ level 2 ]] not closed',
      'closed ]==]',
      'print("--[[ not a comment")',
    ].join('\n');
    expect(count('Lua', text)).toEqual({ code: 1, comment: 5, blank: 0 });
  });

  it('Ruby: # and =begin/=end in column 1 only, the =end line is comment to its end', () => {
    const text = [
      '# c',
      '=begin',
      'doc',
      ' =end indented does not close',
      '=end trailing words',
      'x = 1 # t',
      'y = "=begin"',
      '  =begin',
      '=begin',
      'unterminated',
    ].join('\n');
    expect(count('Ruby', text)).toEqual({ code: 3, comment: 7, blank: 0 });
    // Crystal has no =begin.
    expect(count('Crystal', ['=begin', 'x', '=end'].join('\n'))).toEqual({ code: 3, comment: 0, blank: 0 });
  });

  it('Perl: POD from = and a letter in column 1 to =cut, everything after __END__ or __DATA__', () => {
    const text = [
      '=pod',
      'text',
      '=cut',
      'my $x',
      '= 5;', // = without a letter: code
      '=head2 X',
      ' =cut indented does not close',
      '=cut',
      '__DATA__',
      'data',
      '=cut',
    ].join('\n');
    expect(count('Perl', text)).toEqual({ code: 2, comment: 9, blank: 0 });
    expect(count('Perl', ['1;', '__END__', '', 'print 1;'].join('\n'))).toEqual({
      code: 1,
      comment: 2,
      blank: 1,
    });
  });

  it('Elixir: @doc and @moduledoc heredocs are comment, other heredocs code (as cloc)', () => {
    const text = [
      '@moduledoc """',
      'docs',
      '"""',
      '@doc ~S"""',
      'docs # no line comment here',
      '"""',
      'x = """',
      '# in a heredoc: code',
      '"""',
    ].join('\n');
    expect(count('Elixir', text)).toEqual({ code: 3, comment: 6, blank: 0 });
  });

  it('Haskell: -- and nested {- -}', () => {
    expect(count('Haskell', ['{- a {- b -} c -}', '-- d', 'main = pure ()'].join('\n'))).toEqual({
      code: 1,
      comment: 2,
      blank: 0,
    });
  });

  it('Batchfile: REM and :: at line start, case-insensitive, not "remove"', () => {
    expect(count('Batchfile', ['REM a', '  rem b', ':: c', 'remove.exe', 'echo rem'].join('\n'))).toEqual({
      code: 2,
      comment: 3,
      blank: 0,
    });
  });

  it('fixed-form Fortran: C in column 1 only', () => {
    expect(
      count('Fortran', ['C comment', '      CALL FOO', '! bang', '      X = 1 ! trailing'].join('\n')),
    ).toEqual({
      code: 2,
      comment: 2,
      blank: 0,
    });
  });

  it('languages without comment syntax count every non-blank line as code', () => {
    expect(countLines('{\n  "a": "// no"\n\n}\n', undefined)).toMatchObject({
      code: 3,
      comment: 0,
      blank: 1,
    });
  });
});

/**
 * Where cloc's filters contradict the language, we follow the language; cloc-block-comments.test.ts
 * compares everything else with cloc file by file. Each case says what cloc 1.96 counts instead.
 */
describe('line counter: where cloc is wrong about the language', () => {
  /** Counts these lines, labelled with the language so a failing case names itself. */
  const countOf = (language: string, ...lines: string[]) => ({
    language,
    ...count(language, lines.join('\n')),
  });
  const counts = (language: string, code: number, comment: number, blank = 0) => ({
    language,
    code,
    comment,
    blank,
  });

  it('nests block comments where the language nests them (cloc only nests OCaml and Elm)', () => {
    const nesting: [string, string, string][] = [
      ['Rust', '/*', '*/'],
      ['Swift', '/*', '*/'],
      ['Scala', '/*', '*/'],
      ['Kotlin', '/*', '*/'],
      ['Dart', '/*', '*/'],
      ['D', '/+', '+/'],
      ['Haskell', '{-', '-}'],
      ['Agda', '{-', '-}'],
      ['Julia', '#=', '=#'],
      ['Nim', '#[', ']#'],
      ['F#', '(*', '*)'],
      ['Standard ML', '(*', '*)'],
      ['Rocq Prover', '(*', '*)'],
      ['Common Lisp', '#|', '|#'],
      ['WebAssembly', '(;', ';)'],
    ];
    for (const [language, open, close] of nesting) {
      // cloc: the first closer ends the comment, so "still comment" lines are code.
      const lines = [
        `${open} a ${open} b ${close} still comment ${close}`,
        `${open} a`,
        `${open} b ${close}`,
      ];
      expect(countOf(language, ...lines, `still comment ${close}`, 'code')).toEqual(counts(language, 1, 4));
    }
    // D's /* */ does not nest.
    expect(countOf('D', '/* a /* b */ c */', 'x;')).toEqual(counts('D', 2, 0));
  });

  it('Perl: POD opened by any command, not only =head1 (cloc counts =pod ... =cut as code)', () => {
    for (const command of [
      '=pod',
      '=head2 X',
      '=over 4',
      '=item *',
      '=begin html',
      '=for comment',
      '=encoding utf8',
    ]) {
      expect(countOf('Perl', command, 'text', '=cut', '1;')).toEqual(counts('Perl', 1, 3));
    }
  });

  it('Python: /* and */ in code are code (cloc counts every Python line containing them as comment)', () => {
    expect(countOf('Python', 'paths = glob("**/*.py")', 'x = "*/"')).toEqual(counts('Python', 2, 0));
  });

  it('MATLAB: %{ opens a block only alone on its line (cloc opens one anywhere)', () => {
    expect(countOf('MATLAB', 'x = 1; %{ not a block', 'y = 2;')).toEqual(counts('MATLAB', 2, 0));
  });

  it('free-form Fortran: code in column 1 starting with c is code (cloc applies the fixed-form rule)', () => {
    const language = 'Fortran Free Form';
    expect(countOf(language, 'contains', 'call f()', '! comment')).toEqual(counts(language, 2, 1));
  });

  it('CoffeeScript: ### block comments, #### lines (cloc knows no ### blocks: their lines are code)', () => {
    const lines = ['###', 'block', 'comment', '###', '#### separator', 'x = 1', '### inline ### y = 2'];
    expect(countOf('CoffeeScript', ...lines)).toEqual(counts('CoffeeScript', 2, 5));
  });

  it('Svelte and Astro: script comments are comments (cloc reads Svelte as HTML only)', () => {
    for (const language of ['Svelte', 'Astro']) {
      const lines = ['<script>', '  // line', '  /* block */', '</script>', '<!-- markup -->'];
      expect(countOf(language, ...lines)).toEqual(counts(language, 2, 3));
    }
  });

  it('block comment markers inside strings are not comments (cloc has no strings for these)', () => {
    const cases: [string, string][] = [
      ['Julia', 's = "#= not a comment"'],
      ['Nim', 'let s = "#[ not a comment"'],
      ['PowerShell', '$s = "<# not a comment"'],
      ['Pascal', "s := '{ not a comment';"],
      ['Pascal', "s := '(* not a comment';"],
      ['Smalltalk', 's := \'a "quote" is not a comment\'.'],
      ['F#', 'let s = "(* not a comment"'],
      ['Haskell', 's = "{- not a comment"'],
      ['Rust', 'let s = "/* not a comment";'],
    ];
    for (const [language, line] of cases)
      expect(countOf(language, line, 'code')).toEqual(counts(language, 2, 0));
  });

  it('HTML comments in Twig, Nunjucks, Jinja and Mustache templates are comments (cloc: code, unlike Handlebars)', () => {
    for (const language of ['Twig', 'Nunjucks', 'Jinja', 'Mustache']) {
      expect(countOf(language, '<!-- c -->', '<p>x</p>')).toEqual(counts(language, 1, 1));
    }
  });

  it('code after the closer of a comment opened after code is a code line (cloc joins the two lines)', () => {
    // cloc deletes the comment with its newlines, so "int b;" joins "int a;": one code line less.
    expect(countOf('C', 'int a; /* x', 'y */ int b;')).toEqual(counts('C', 2, 0));
    expect(countOf('Python', "x = f('''doc", "''')")).toEqual(counts('Python', 2, 0));
  });

  it('an unterminated /* */ comment runs to the end of the file (cloc counts its lines as code)', () => {
    expect(countOf('C', 'int x;', '/* never closed', 'text')).toEqual(counts('C', 1, 2));
  });
});

describe('line counter: every syntax in the table', () => {
  it('compiles each one into the counter memory and counts with it', () => {
    for (const language of languagesWithCommentSyntax()) {
      const counts = countLines('first\n\n  last', commentSyntaxOf(language));
      expect({ language, ...counts }).toEqual({ language, code: 2, comment: 0, blank: 1 });
    }
  });
});

describe('line counter: line endings and chunking', () => {
  it('counts texts longer than its buffer', () => {
    const text = '// c\nx;\n\n'.repeat(DATA_BYTES / 4); // 2.25 x the buffer
    expect(count('C', text)).toEqual({
      code: DATA_BYTES / 4,
      comment: DATA_BYTES / 4,
      blank: DATA_BYTES / 4,
    });
  });

  it('refuses bytes outside its buffer', () => {
    const counter = new LineCounter(compileSyntax(commentSyntaxOf('C')));
    expect(() => counter.feed(Buffer.from('x'), 0, 1, true)).toThrow(/dataBuffer/);
  });

  it('handles CRLF, a missing trailing newline, whitespace-only last lines and empty input', () => {
    expect(count('C', 'a;\r\n// c\r\n\r\nb;')).toEqual({ code: 2, comment: 1, blank: 1 });
    expect(count('C', 'a;\n   ')).toEqual({ code: 1, comment: 0, blank: 1 });
    expect(count('C', '')).toEqual({ code: 0, comment: 0, blank: 0 });
    expect(count('C', '\n')).toEqual({ code: 0, comment: 0, blank: 1 });
  });

  it('gives the same counts when fed in chunks of any size (markers cut across chunks)', () => {
    const text = Buffer.from(
      [
        '#!/bin/sh',
        '/* start',
        ' */ x = "a/*b"; // c',
        '--[[ ',
        'y = `multi',
        'line` /* z */',
        '"""',
        'doc',
        '"""',
        '=begin',
        ' =end',
        '=end x',
        '=head1 /+ a /+ b +/',
        '=cut',
        '@moduledoc ~S"""',
        '"""',
        '',
      ]
        .join('\r\n')
        .repeat(7),
    );
    for (const language of ['JavaScript', 'Lua', 'Python', 'C', 'Ruby', 'Perl', 'D', 'Elixir', 'Shell']) {
      const syntax = compileSyntax(commentSyntaxOf(language));
      const whole = countLines(text, commentSyntaxOf(language));
      for (const chunk of [1, 2, 3, 5, 64]) {
        const counter = new LineCounter(syntax);
        const buf = dataBuffer;
        // Stale bytes past the chunk must not matter (the shebang test must wait for its second byte).
        buf.fill(0);
        let have = 0;
        let offset = 0;
        while (offset < text.length) {
          const n = Math.min(chunk, text.length - offset);
          text.copy(buf, have, offset, offset + n);
          have += n;
          offset += n;
          const final = offset >= text.length;
          const consumed = counter.feed(buf, 0, have, final);
          buf.copyWithin(0, consumed, have);
          have -= consumed;
        }
        const { code, comment, blank } = counter.finish();
        expect({ language, chunk, code, comment, blank }).toEqual({
          language,
          chunk,
          code: whole.code,
          comment: whole.comment,
          blank: whole.blank,
        });
      }
    }
  });

  it('finds TODO/FIXME/HACK as whole words in comments only', () => {
    const counter = new LineCounter(compileSyntax(commentSyntaxOf('C')));
    const length = dataBuffer.write(
      [
        'x = "TODO in a string"; // TODO: a',
        '/* FIXME b',
        '   HACK: c */ TODO_not_a_marker();',
        '// TODOS, xTODO, HACKED',
        '/*TODO*/',
      ].join('\n'),
    );
    counter.feed(dataBuffer, 0, length, true);
    counter.finish();
    expect(counter.todos).toEqual([
      { marker: 'TODO', line: 1, text: 'TODO: a' },
      { marker: 'FIXME', line: 2, text: 'FIXME b' },
      { marker: 'HACK', line: 3, text: 'HACK: c */ TODO_not_a_marker();' },
      { marker: 'TODO', line: 5, text: 'TODO' },
    ]);
  });
});
