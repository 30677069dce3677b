import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * Git's ignore rules as a stack of rule files: `.git/info/exclude` and every
 * `.gitignore` from the repository root down to the current folder. As in git, a
 * deeper file overrides a shallower one and, within a file, the last matching rule
 * (negations included) wins.
 */

interface RuleFile {
  rules: Ignore;
  /** Turns a path relative to the scanned folder into one relative to this file's folder. */
  local(rel: string): string;
}

export class IgnoreStack {
  private constructor(private readonly files: readonly RuleFile[]) {}

  static empty(): IgnoreStack {
    return new IgnoreStack([]);
  }

  /**
   * The rules that apply at the scanned folder itself: those of the enclosing git
   * repository (its info/exclude and the .gitignore files above the folder), read only
   * where `mayRead` allows (the client's roots).
   */
  static async forScanRoot(root: string, mayRead: (path: string) => boolean): Promise<IgnoreStack> {
    const ancestors: string[] = [];
    for (let dir = dirname(root); mayRead(dir); dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    // Only ancestors inside the enclosing repository count; the scanned folder's own files are read by the walker.
    let repoIndex = -1;
    for (let k = ancestors.length - 1; k >= 0; k--) {
      if (await exists(join(ancestors[k] as string, '.git'))) {
        repoIndex = k;
        break;
      }
    }
    let stack = IgnoreStack.empty();
    if (repoIndex === -1) return stack;
    const repoRoot = ancestors[repoIndex] as string;
    stack = await stack.withGitInfoExclude(repoRoot, root);
    for (const dir of ancestors.slice(repoIndex)) {
      const text = await readRules(join(dir, '.gitignore'));
      if (text !== undefined) stack = stack.with(text, toPosix(relative(dir, root)));
    }
    // A folder the user picked is scanned even when its repository ignores it (node_modules/pkg):
    // the rules above it would hide everything, which is not what picking it meant.
    return stack.ignoresScanRoot() ? IgnoreStack.empty() : stack;
  }

  /** Adds the `.gitignore` of a folder above the scan; `fromFolderToScanRoot` is the scanned folder relative to it. */
  with(text: string, fromFolderToScanRoot: string): IgnoreStack {
    const rules = compile(text);
    const prefix = fromFolderToScanRoot ? `${fromFolderToScanRoot}/` : '';
    return new IgnoreStack([...this.files, { rules, local: (rel) => prefix + rel }]);
  }

  /** Adds the `.gitignore` of a folder inside the scan (`dirRel` relative to the scanned folder, '' for itself). */
  withNested(text: string, dirRel: string): IgnoreStack {
    const rules = compile(text);
    const cut = dirRel ? dirRel.length + 1 : 0;
    return new IgnoreStack([...this.files, { rules, local: (rel) => rel.slice(cut) }]);
  }

  /** Adds `.git/info/exclude` of the repository at `repoDir` (its rules rank below every .gitignore). */
  async withGitInfoExclude(repoDir: string, scanRoot: string): Promise<IgnoreStack> {
    const text = await readRules(join(repoDir, '.git', 'info', 'exclude'));
    if (text === undefined) return this;
    const prefix = toPosix(relative(repoDir, scanRoot));
    const rules = compile(text);
    const file: RuleFile = { rules, local: (rel) => (prefix ? `${prefix}/${rel}` : rel) };
    return new IgnoreStack([file, ...this.files]);
  }

  /** Adds `.git/info/exclude` of a repository nested at `dirRel` inside the scan. */
  async withNestedGitInfoExclude(repoDir: string, dirRel: string): Promise<IgnoreStack> {
    const text = await readRules(join(repoDir, '.git', 'info', 'exclude'));
    return text === undefined ? this : this.withNested(text, dirRel);
  }

  /** Whether the rules from above the scan exclude the scanned folder itself. */
  private ignoresScanRoot(): boolean {
    for (let k = this.files.length - 1; k >= 0; k--) {
      const file = this.files[k] as RuleFile;
      const result = file.rules.test(file.local(''));
      if (result.unignored) return false;
      if (result.ignored) return true;
    }
    return false;
  }

  get size(): number {
    return this.files.length;
  }

  /** Whether `rel` (relative to the scanned folder, posix separators) is ignored. */
  ignores(rel: string, isDirectory: boolean): boolean {
    const path = isDirectory ? `${rel}/` : rel;
    for (let k = this.files.length - 1; k >= 0; k--) {
      const file = this.files[k] as RuleFile;
      const result = file.rules.test(file.local(path));
      if (result.unignored) return false;
      if (result.ignored) return true;
    }
    return false;
  }
}

/** Git matches case-sensitively unless core.ignorecase is set (macOS and Windows clones). */
function compile(text: string): Ignore {
  return ignore({ allowRelativePaths: true, ignoreCase: process.platform !== 'linux' }).add(text);
}

async function readRules(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined; // no rule file there (or unreadable: git ignores it too)
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
