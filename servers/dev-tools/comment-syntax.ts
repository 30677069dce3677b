/**
 * Comment and string syntax per language, keyed by GitHub Linguist language name.
 * Linguist has no comment data, so this table is written by hand after tokei's
 * languages.json and cloc's filter definitions (see README.md for where we differ).
 * Languages that Linguist knows but this table does not are counted as code and
 * blank lines only, as cloc does for comment-less formats such as JSON.
 */

export interface StringSyntax {
  open: string;
  close: string;
  /** Escape character inside the string (backslash for most languages). */
  escape?: string;
  /** The string may span lines (template literals, raw strings, triple quotes). */
  multiline?: boolean;
}

export interface CommentSyntax {
  /** Line comment markers, valid anywhere outside strings. */
  line?: readonly string[];
  /** Line comment markers valid only as the first thing on a line (case-insensitive: REM, ::). */
  lineStart?: readonly string[];
  /** Whole-line comment markers valid only in column 1 (fixed-form Fortran C and *, case-insensitive). */
  column1?: readonly string[];
  /** Block comment delimiters. */
  block?: readonly (readonly [string, string])[];
  /** Block comments only open as the first thing on a line (Ruby =begin, Perl POD, MATLAB %{). */
  blockAtLineStart?: readonly (readonly [string, string])[];
  /** Block comments nest (Rust, Swift, Haskell, OCaml...). */
  nested?: boolean;
  /** String literals, so that comment markers inside them are not comments. */
  strings?: readonly StringSyntax[];
  /** Triple-quoted strings that count as comments when they start a line (Python docstrings). */
  docStrings?: readonly string[];
}

const BACKSLASH = '\\';
const dq: StringSyntax = { open: '"', close: '"', escape: BACKSLASH };
const sq: StringSyntax = { open: "'", close: "'", escape: BACKSLASH };
const backtick: StringSyntax = { open: '`', close: '`', escape: BACKSLASH, multiline: true };
const C_BLOCK = [['/*', '*/']] as const;
const HTML_BLOCK = [['<!--', '-->']] as const;

const C_FAMILY: CommentSyntax = { line: ['//'], block: C_BLOCK, strings: [dq, sq] };
const JS_FAMILY: CommentSyntax = { line: ['//'], block: C_BLOCK, strings: [dq, sq, backtick] };
const HASH: CommentSyntax = { line: ['#'] };
const HASH_WITH_STRINGS: CommentSyntax = { line: ['#'], strings: [dq, sq] };
const SEMICOLON: CommentSyntax = { line: [';'] };
const PERCENT: CommentSyntax = { line: ['%'] };
const DASH_DASH: CommentSyntax = { line: ['--'] };
const C_BLOCK_ONLY: CommentSyntax = { block: C_BLOCK, strings: [dq, sq] };
const MARKUP: CommentSyntax = { block: HTML_BLOCK };
const ML_FAMILY: CommentSyntax = { block: [['(*', '*)']], nested: true, strings: [dq] };
const HASKELL_FAMILY: CommentSyntax = { line: ['--'], block: [['{-', '-}']], nested: true, strings: [dq] };
const LISP_FAMILY: CommentSyntax = { line: [';'], block: [['#|', '|#']], nested: true, strings: [dq] };
const SQL_FAMILY: CommentSyntax = { line: ['--'], block: C_BLOCK, strings: [{ open: "'", close: "'" }] };
/** Lua long brackets of level 0 to 4; the longest opener must be tried first (see line-counter). */
const LUA_BLOCKS = [0, 1, 2, 3, 4].map((level) => {
  const eq = '='.repeat(level);
  return [`--[${eq}[`, `]${eq}]`] as const;
});

const BY_LANGUAGE: Record<string, CommentSyntax> = {};

function define(syntax: CommentSyntax, languages: readonly string[]): void {
  for (const name of languages) BY_LANGUAGE[name] = syntax;
}

define(C_FAMILY, [
  'C',
  'C++',
  'Objective-C',
  'Objective-C++',
  'Java',
  'GLSL',
  'HLSL',
  'D',
  'Vala',
  'Apex',
  'Protocol Buffer',
  'Thrift',
  'Solidity',
  'Less',
  'SCSS',
  'Stylus',
  'Haxe',
  'ActionScript',
  'Objective-J',
  'Jsonnet',
  'JSON5',
  'Bicep',
  'Smali',
  'Pawn',
  'SourcePawn',
]);
define(JS_FAMILY, ['JavaScript', 'TypeScript', 'TSX', 'Svelte', 'Astro', 'QML']);
// Kotlin, Swift and Scala have triple-quoted multi-line strings; Swift and Scala nest block comments.
define({ line: ['//'], block: C_BLOCK, strings: [{ open: '"""', close: '"""', multiline: true }, dq, sq] }, [
  'Kotlin',
  'Groovy',
  'Gradle',
]);
define(
  {
    line: ['//'],
    block: C_BLOCK,
    nested: true,
    strings: [{ open: '"""', close: '"""', multiline: true }, dq],
  },
  ['Swift', 'Scala'],
);
define({ line: ['//'], block: C_BLOCK, strings: [{ open: '@"', close: '"', multiline: true }, dq, sq] }, [
  'C#',
]);
define({ line: ['//'], block: C_BLOCK, strings: [{ open: '`', close: '`', multiline: true }, dq, sq] }, [
  'Go',
]);
// Rust: ' is also a lifetime, so only double-quoted strings (which may span lines) are tracked.
define({ line: ['//'], block: C_BLOCK, nested: true, strings: [{ ...dq, multiline: true }] }, ['Rust']);
define({ line: ['//'], strings: [dq, sq] }, ['Zig', 'V']);
define({ line: ['//'], block: C_BLOCK, strings: [{ ...dq, multiline: true }, sq, backtick] }, ['Dart']);
define({ line: ['//', '#'], block: C_BLOCK, strings: [dq, sq, backtick] }, ['PHP', 'Hack']);
define({ line: ['//', '#'], block: C_BLOCK, strings: [dq] }, ['HCL']);
define({ line: ['#'], block: C_BLOCK, strings: [dq] }, ['Nix']);
define(C_BLOCK_ONLY, ['CSS']);
define({ line: ['//'], block: C_BLOCK }, ['JSON with Comments', 'Sass']);
define(
  {
    line: ['#'],
    strings: [dq, sq],
    docStrings: ['"""', "'''"],
  },
  ['Python', 'Cython', 'Starlark'],
);
define({ line: ['#'], blockAtLineStart: [['=begin', '=end']], strings: [dq, sq] }, ['Ruby', 'Crystal']);
define(
  {
    line: ['#'],
    blockAtLineStart: [
      'pod',
      'head1',
      'head2',
      'head3',
      'head4',
      'over',
      'item',
      'begin',
      'for',
      'encoding',
    ].map((word) => [`=${word}`, '=cut'] as const),
  },
  ['Perl', 'Raku'],
);
// Shell strings are not tracked: quotes in here-documents and words like it's would swallow lines.
define(HASH, [
  'Shell',
  'Makefile',
  'Dockerfile',
  'YAML',
  'TOML',
  'R',
  'Tcl',
  'Awk',
  'Ignore List',
  'Git Attributes',
  'Git Config',
  'EditorConfig',
  'Dotenv',
  'Gemfile.lock',
  'Jinja',
  'GraphQL',
  'Nginx',
  'Java Properties',
  'Gettext Catalog',
  'sed',
  'NPM Config',
  'Browserslist',
  "Cap'n Proto",
]);
define({ line: ['#'], block: [['#[[', ']]']] }, ['CMake']);
define({ line: ['#'], block: [['#=', '=#']], nested: true, strings: [dq] }, ['Julia']);
define({ line: ['#'], block: [['<#', '#>']], strings: [dq, sq] }, ['PowerShell']);
define({ line: ['#'], docStrings: ['"""'], strings: [dq] }, ['Elixir']);
define(HASH_WITH_STRINGS, ['Nim', 'CoffeeScript', 'LiveScript']);
define({ line: [';', '#'] }, ['INI']);
define(SEMICOLON, ['Clojure', 'Emacs Lisp', 'Scheme', 'AutoHotkey', 'NSIS']);
define(LISP_FAMILY, ['Common Lisp', 'Racket']);
define({ line: [';', '#', '//'], block: C_BLOCK }, ['Assembly', 'Unix Assembly']);
define(PERCENT, ['Erlang', 'TeX', 'Prolog']);
define({ line: ['%'], blockAtLineStart: [['%{', '%}']] }, ['MATLAB']);
define(DASH_DASH, ['Ada', 'VHDL']);
define({ line: ['--'], block: LUA_BLOCKS.slice().reverse(), strings: [dq, sq] }, ['Lua']);
define(SQL_FAMILY, ['SQL', 'PLSQL', 'PLpgSQL', 'TSQL', 'SQLPL']);
define(HASKELL_FAMILY, ['Haskell', 'Elm', 'PureScript', 'Agda', 'Idris']);
define(ML_FAMILY, ['OCaml', 'Standard ML', 'Rocq Prover']);
define({ line: ['//'], block: [['(*', '*)']], nested: true, strings: [dq] }, ['F#']);
define(
  {
    line: ['//'],
    block: [
      ['{', '}'],
      ['(*', '*)'],
    ],
  },
  ['Pascal'],
);
define({ line: ['!'], strings: [dq, sq] }, ['Fortran Free Form']);
define({ line: ['!'], column1: ['c', '*'], strings: [dq, sq] }, ['Fortran']);
define({ line: ["'"], lineStart: ['rem '], strings: [{ open: '"', close: '"' }] }, [
  'Visual Basic .NET',
  'VBA',
  'VBScript',
  'Visual Basic 6.0',
]);
define({ lineStart: ['rem ', '@rem ', '::'] }, ['Batchfile']);
define({ lineStart: ['"'] }, ['Vim script']);
define({ line: ['//'], block: C_BLOCK, strings: [dq] }, ['Verilog', 'SystemVerilog', 'Cuda']);
define({ line: ['"'] }, ['Smalltalk']);
define(MARKUP, [
  'HTML',
  'XML',
  'SVG',
  'XSLT',
  'Markdown',
  'Vue',
  'EJS',
  'Liquid',
  'Nunjucks',
  'Mustache',
  'XML Property List',
]);
define(
  {
    block: [
      ['{{!--', '--}}'],
      ['{{!', '}}'],
      ['<!--', '-->'],
    ],
  },
  ['Handlebars'],
);
define(
  {
    block: [
      ['{#', '#}'],
      ['<!--', '-->'],
    ],
  },
  ['Twig'],
);
define({ block: [['{*', '*}']] }, ['Smarty']);
define({ line: ['//-', '//'] }, ['Pug']);
define({ line: [';;'], block: [['(;', ';)']], nested: true }, ['WebAssembly']);

/** The syntax for a Linguist language name, or undefined when comments are not recognized. */
export function commentSyntaxOf(language: string): CommentSyntax | undefined {
  return BY_LANGUAGE[language];
}

/** Every language name the table defines (tests check each against Linguist). */
export function languagesWithCommentSyntax(): string[] {
  return Object.keys(BY_LANGUAGE);
}
