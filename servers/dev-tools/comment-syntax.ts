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

/** A block comment's opener and closer. */
export type Delimiters = readonly [open: string, close: string];

export interface CommentSyntax {
  /** Line comment markers, valid anywhere outside strings. */
  line?: readonly string[];
  /** Line comment markers valid only as the first thing on a line (case-insensitive: REM, ::). */
  lineStart?: readonly string[];
  /** Whole-line comment markers valid only in column 1 (fixed-form Fortran C and *, case-insensitive). */
  column1?: readonly string[];
  /** Block comments that do not nest: the first closer ends them. */
  block?: readonly Delimiters[];
  /** Block comments that nest (Rust, Swift, Haskell, OCaml...): each opener needs its closer. */
  nestedBlock?: readonly Delimiters[];
  /** Block comments that only open as the first thing on a line (MATLAB %{). */
  blockAtLineStart?: readonly Delimiters[];
  /**
   * Block comments whose opener and closer stand in column 1, the closer's line being comment
   * to its end (Ruby =begin/=end). An empty closer never closes (Perl __END__).
   */
  blockAtColumn1?: readonly Delimiters[];
  /** Perl's POD: `=` and a letter in column 1 (=head1, =pod, =over...) open it, a line starting with =cut closes it. */
  pod?: boolean;
  /** String literals, so that comment markers inside them are not comments. */
  strings?: readonly StringSyntax[];
  /**
   * Triple-quoted strings whose text counts as comment wherever they stand, as cloc counts
   * Python docstrings (`x = """` is a code line, the lines after it are comment).
   */
  docStrings?: readonly string[];
  /** A first line starting with #! is code, not a comment (cloc's rule for its script languages). */
  shebangIsCode?: boolean;
}

const BACKSLASH = '\\';
const dq: StringSyntax = { open: '"', close: '"', escape: BACKSLASH };
const sq: StringSyntax = { open: "'", close: "'", escape: BACKSLASH };
const backtick: StringSyntax = { open: '`', close: '`', escape: BACKSLASH, multiline: true };
const tripleQuoted: StringSyntax = { open: '"""', close: '"""', multiline: true };
const C_BLOCK = [['/*', '*/']] as const;
const HTML_BLOCK = ['<!--', '-->'] as const;

const C_FAMILY: CommentSyntax = { line: ['//'], block: C_BLOCK, strings: [dq, sq] };
const JS_FAMILY: CommentSyntax = { line: ['//'], block: C_BLOCK, strings: [dq, sq, backtick] };
const HASH: CommentSyntax = { line: ['#'] };
const HASH_SCRIPT: CommentSyntax = { line: ['#'], shebangIsCode: true };
const HASH_WITH_STRINGS: CommentSyntax = { line: ['#'], strings: [dq, sq] };
const SEMICOLON: CommentSyntax = { line: [';'] };
const PERCENT: CommentSyntax = { line: ['%'] };
const DASH_DASH: CommentSyntax = { line: ['--'] };
const C_BLOCK_ONLY: CommentSyntax = { block: C_BLOCK, strings: [dq, sq] };
const MARKUP: CommentSyntax = { block: [HTML_BLOCK] };
/** Single-file components: HTML comments around script and style blocks. */
const WEB_COMPONENT: CommentSyntax = {
  line: ['//'],
  block: [...C_BLOCK, HTML_BLOCK],
  strings: [dq, sq, backtick],
};
/** Templates that comment with {# #} (and output HTML). */
const HASH_BRACE_TEMPLATE: CommentSyntax = { block: [['{#', '#}'], HTML_BLOCK] };
const ML_FAMILY: CommentSyntax = { nestedBlock: [['(*', '*)']], strings: [dq] };
// {-# LANGUAGE ... #-} pragmas are code (cloc keeps them), so they are read as strings.
const HASKELL_FAMILY: CommentSyntax = {
  line: ['--'],
  nestedBlock: [['{-', '-}']],
  strings: [{ open: '{-#', close: '#-}', multiline: true }, dq],
};
const LISP_FAMILY: CommentSyntax = { line: [';'], nestedBlock: [['#|', '|#']], strings: [dq] };
const SQL_FAMILY: CommentSyntax = { line: ['--'], block: C_BLOCK, strings: [{ open: "'", close: "'" }] };
/** Lua long brackets of level 0 to 5, as cloc knows them. */
const LUA_BLOCKS = [0, 1, 2, 3, 4, 5].map((level) => {
  const eq = '='.repeat(level);
  return [`--[${eq}[`, `]${eq}]`] as const;
});
/** Elixir's @doc and @moduledoc heredocs are comment, as cloc counts them (other heredocs are code). */
const ELIXIR_DOCS = ['@doc', '@moduledoc'].flatMap((attribute) => [
  ...['', '~S', '~s'].map((sigil) => [`${attribute} ${sigil}"""`, '"""'] as const),
  [`${attribute} '''`, "'''"] as const,
]);

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
  'Vala',
  'Apex',
  'Protocol Buffer',
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
define({ line: ['//', '#'], block: C_BLOCK, strings: [dq, sq] }, ['Thrift']);
define(JS_FAMILY, ['JavaScript', 'TypeScript', 'TSX', 'QML']);
define(WEB_COMPONENT, ['Vue', 'Svelte', 'Astro']);
define({ line: ['//'], block: C_BLOCK, strings: [tripleQuoted, dq, sq] }, ['Groovy', 'Gradle']);
// Kotlin, Swift and Scala have triple-quoted multi-line strings and nest block comments.
define({ line: ['//'], nestedBlock: C_BLOCK, strings: [tripleQuoted, dq, sq] }, ['Kotlin']);
define({ line: ['//'], nestedBlock: C_BLOCK, strings: [tripleQuoted, dq] }, ['Swift', 'Scala']);
// D's /+ +/ comments nest, its /* */ comments do not.
define({ line: ['//'], block: C_BLOCK, nestedBlock: [['/+', '+/']], strings: [dq, sq] }, ['D']);
define({ line: ['//'], block: C_BLOCK, strings: [{ open: '@"', close: '"', multiline: true }, dq, sq] }, [
  'C#',
]);
define({ line: ['//'], block: C_BLOCK, strings: [{ open: '`', close: '`', multiline: true }, dq, sq] }, [
  'Go',
]);
// Rust: ' is also a lifetime, so only double-quoted strings (which may span lines) are tracked.
define({ line: ['//'], nestedBlock: C_BLOCK, strings: [{ ...dq, multiline: true }] }, ['Rust']);
define({ line: ['//'], strings: [dq, sq] }, ['Zig', 'V']);
define({ line: ['//'], nestedBlock: C_BLOCK, strings: [{ ...dq, multiline: true }, sq, backtick] }, ['Dart']);
define({ line: ['//', '#'], block: C_BLOCK, strings: [dq, sq, backtick], shebangIsCode: true }, [
  'PHP',
  'Hack',
]);
define({ line: ['//', '#'], block: C_BLOCK, strings: [dq] }, ['HCL']);
define({ line: ['#'], block: C_BLOCK, strings: [dq] }, ['Nix']);
define(C_BLOCK_ONLY, ['CSS']);
define({ line: ['//'], block: C_BLOCK }, ['JSON with Comments', 'Sass']);
define(
  {
    line: ['#'],
    strings: [dq, sq],
    docStrings: ['"""', "'''"],
    shebangIsCode: true,
  },
  ['Python', 'Cython', 'Starlark'],
);
define({ line: ['#'], blockAtColumn1: [['=begin', '=end']], strings: [dq, sq], shebangIsCode: true }, [
  'Ruby',
]);
define({ line: ['#'], strings: [dq, sq], shebangIsCode: true }, ['Crystal']);
// Everything after __END__ or __DATA__ is data or documentation, not code (cloc: comment).
define(
  {
    line: ['#'],
    pod: true,
    shebangIsCode: true,
    blockAtColumn1: [
      ['__END__', ''],
      ['__DATA__', ''],
    ],
  },
  ['Perl'],
);
// Raku's Pod6 blocks; Raku has no =cut (cloc's =head1 ... =cut rule is Perl's).
define({ line: ['#'], blockAtColumn1: [['=begin', '=end']], shebangIsCode: true }, ['Raku']);
// Shell strings are not tracked: quotes in here-documents and words like it's would swallow lines.
define(HASH_SCRIPT, ['Shell', 'Makefile', 'Tcl', 'Awk', 'sed']);
define(HASH, [
  'Dockerfile',
  'YAML',
  'TOML',
  'R',
  'Ignore List',
  'Git Attributes',
  'Git Config',
  'EditorConfig',
  'Dotenv',
  'Gemfile.lock',
  'Nginx',
  'Java Properties',
  'Gettext Catalog',
  'NPM Config',
  'Browserslist',
  "Cap'n Proto",
]);
define({ line: ['#'], block: [['#[[', ']]']], shebangIsCode: true }, ['CMake']);
define({ line: ['#'], nestedBlock: [['#=', '=#']], docStrings: ['"""'], strings: [dq] }, ['Julia']);
define({ line: ['#'], docStrings: ['"""'], strings: [dq] }, ['GraphQL']);
define({ line: ['#'], block: [['<#', '#>']], strings: [dq, sq] }, ['PowerShell']);
define({ line: ['#'], block: ELIXIR_DOCS, strings: [{ ...tripleQuoted, escape: BACKSLASH }, dq] }, [
  'Elixir',
]);
define(
  {
    line: ['#'],
    nestedBlock: [
      ['#[', ']#'],
      ['##[', ']##'],
    ],
    strings: [dq, sq],
  },
  ['Nim'],
);
// CoffeeScript: ### opens a block comment, #### and longer runs of # are line comments.
define({ line: ['####', '#'], block: [['###', '###']], strings: [dq, sq] }, ['CoffeeScript']);
define(HASH_WITH_STRINGS, ['LiveScript']);
define({ line: [';', '#'] }, ['INI']);
define(SEMICOLON, ['Clojure', 'Emacs Lisp', 'Scheme', 'AutoHotkey', 'NSIS']);
define(LISP_FAMILY, ['Common Lisp', 'Racket']);
define({ line: [';', '#', '//'], block: C_BLOCK }, ['Assembly', 'Unix Assembly']);
define(PERCENT, ['Erlang', 'TeX']);
define({ line: ['%'], block: C_BLOCK }, ['Prolog']);
define({ line: ['%'], blockAtLineStart: [['%{', '%}']] }, ['MATLAB']);
define(DASH_DASH, ['Ada']);
define({ line: ['--'], block: C_BLOCK }, ['VHDL']);
define({ line: ['--'], block: LUA_BLOCKS, strings: [dq, sq] }, ['Lua']);
define(SQL_FAMILY, ['SQL', 'PLSQL', 'PLpgSQL', 'TSQL', 'SQLPL']);
define(HASKELL_FAMILY, ['Haskell', 'Elm', 'PureScript', 'Agda']);
// Idris: ||| starts a documentation comment.
define({ ...HASKELL_FAMILY, lineStart: ['|||'] }, ['Idris']);
define(ML_FAMILY, ['OCaml', 'Standard ML', 'Rocq Prover']);
define({ ...ML_FAMILY, line: ['//'] }, ['F#']);
// Pascal: {$...} compiler directives are code, so they are read as strings.
define(
  {
    line: ['//'],
    block: [
      ['{', '}'],
      ['(*', '*)'],
    ],
    strings: [
      { open: '{$', close: '}', multiline: true },
      { open: "'", close: "'" },
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
// Smalltalk comments are double-quoted (over several lines); strings are single-quoted.
define({ block: [['"', '"']], strings: [{ open: "'", close: "'" }] }, ['Smalltalk']);
define(MARKUP, ['HTML', 'XML', 'SVG', 'XSLT', 'XML Property List']);
// Markdown: also the link-reference comments [//]: # (text) that cloc knows.
define(
  {
    block: [
      HTML_BLOCK,
      ...['[//]', '[comment]'].flatMap((label) => [
        [`${label}: # (`, ')'] as const,
        [`${label}: <> (`, ')'] as const,
      ]),
    ],
  },
  ['Markdown'],
);
define(HASH_BRACE_TEMPLATE, ['Twig', 'Nunjucks', 'Jinja']);
define({ block: [['{{!', '}}'], HTML_BLOCK] }, ['Mustache']);
define({ block: [['<%#', '%>'], HTML_BLOCK] }, ['EJS']);
define({ block: [['{% comment %}', '{% endcomment %}'], HTML_BLOCK] }, ['Liquid']);
define({ block: [['{{!--', '--}}'], ['{{!', '}}'], HTML_BLOCK] }, ['Handlebars']);
define({ block: [['{*', '*}']] }, ['Smarty']);
define({ line: ['//-', '//'] }, ['Pug']);
define({ line: [';;'], nestedBlock: [['(;', ';)']] }, ['WebAssembly']);

/** The syntax for a Linguist language name, or undefined when comments are not recognized. */
export function commentSyntaxOf(language: string): CommentSyntax | undefined {
  return BY_LANGUAGE[language];
}

/** Every language name the table defines (tests check each against Linguist). */
export function languagesWithCommentSyntax(): string[] {
  return Object.keys(BY_LANGUAGE);
}
