import { readFile, stat } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseToml } from 'smol-toml';

/**
 * Reads package manifests and counts their dependencies per group. Each reader uses
 * the format's real parser (JSON, TOML, XML) except go.mod, requirements.txt, Gemfile
 * and Gradle files, whose line formats are read line by line.
 */

export interface ManifestInfo {
  path: string;
  ecosystem: string;
  name?: string;
  version?: string;
  /** Dependency count per group (runtime, dev, peer, optional, build...). */
  dependencies: Record<string, number>;
  totalDependencies: number;
  /** Why the manifest could not be read; the scan goes on. */
  error?: string;
}

type Reader = (text: string) => Omit<ManifestInfo, 'path' | 'ecosystem' | 'totalDependencies'>;

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const readers: Record<string, { ecosystem: string; read: Reader }> = {
  'package.json': { ecosystem: 'npm', read: readPackageJson },
  'composer.json': { ecosystem: 'Composer', read: readComposerJson },
  'Cargo.toml': { ecosystem: 'Cargo', read: readCargoToml },
  'pyproject.toml': { ecosystem: 'Python', read: readPyproject },
  Pipfile: { ecosystem: 'Python (Pipenv)', read: readPipfile },
  'requirements.txt': { ecosystem: 'Python (pip)', read: readRequirements },
  'go.mod': { ecosystem: 'Go', read: readGoMod },
  'pom.xml': { ecosystem: 'Maven', read: readPom },
  Gemfile: { ecosystem: 'RubyGems', read: readGemfile },
  'build.gradle': { ecosystem: 'Gradle', read: readGradle },
  'build.gradle.kts': { ecosystem: 'Gradle', read: readGradle },
};

const MANIFEST_NAMES = new Set(Object.keys(readers));

export function isManifest(fileName: string): boolean {
  return MANIFEST_NAMES.has(fileName);
}

/** Reads one manifest; a malformed file gives an entry with `error`, never a throw. */
export async function readManifest(path: string, rel: string, fileName: string): Promise<ManifestInfo> {
  const reader = readers[fileName];
  if (!reader) throw new Error(`${fileName} is not a known manifest`);
  const base = { path: rel, ecosystem: reader.ecosystem, dependencies: {}, totalDependencies: 0 };
  try {
    const { size } = await stat(path);
    if (size > MAX_MANIFEST_BYTES) return { ...base, error: `too large to read (${size} bytes)` };
    const parsed = reader.read(await readFile(path, 'utf8'));
    const totalDependencies = Object.values(parsed.dependencies).reduce((a, b) => a + b, 0);
    return { ...base, ...parsed, totalDependencies };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keysOf(value: unknown): number {
  return isRecord(value) ? Object.keys(value).length : 0;
}

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Keeps the non-empty groups. */
function groups(entries: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(entries).filter(([, n]) => n > 0));
}

function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error('not a JSON object');
  return value;
}

function readPackageJson(text: string) {
  const pkg = parseJsonObject(text);
  return {
    name: str(pkg.name),
    version: str(pkg.version),
    dependencies: groups({
      runtime: keysOf(pkg.dependencies),
      dev: keysOf(pkg.devDependencies),
      peer: keysOf(pkg.peerDependencies),
      optional: keysOf(pkg.optionalDependencies),
    }),
  };
}

function readComposerJson(text: string) {
  const pkg = parseJsonObject(text);
  // `php` and `ext-*` entries are platform requirements, not packages.
  const packages = (value: unknown) =>
    isRecord(value) ? Object.keys(value).filter((k) => k !== 'php' && !k.startsWith('ext-')).length : 0;
  return {
    name: str(pkg.name),
    version: str(pkg.version),
    dependencies: groups({ runtime: packages(pkg.require), dev: packages(pkg['require-dev']) }),
  };
}

function readCargoToml(text: string) {
  const doc = parseToml(text) as Record<string, unknown>;
  const pkg = isRecord(doc.package) ? doc.package : {};
  const counts = {
    runtime: keysOf(doc.dependencies),
    dev: keysOf(doc['dev-dependencies']),
    build: keysOf(doc['build-dependencies']),
  };
  // [target.'cfg(...)'.dependencies] tables add platform-specific dependencies.
  if (isRecord(doc.target)) {
    for (const target of Object.values(doc.target)) {
      if (!isRecord(target)) continue;
      counts.runtime += keysOf(target.dependencies);
      counts.dev += keysOf(target['dev-dependencies']);
      counts.build += keysOf(target['build-dependencies']);
    }
  }
  const workspace = isRecord(doc.workspace) ? keysOf(doc.workspace.dependencies) : 0;
  return {
    name: str(pkg.name),
    version: str(pkg.version),
    dependencies: groups({ ...counts, workspace }),
  };
}

function readPyproject(text: string) {
  const doc = parseToml(text) as Record<string, unknown>;
  const project = isRecord(doc.project) ? doc.project : {};
  const tool = isRecord(doc.tool) ? doc.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : {};
  const optional = isRecord(project['optional-dependencies'])
    ? Object.values(project['optional-dependencies']).reduce<number>((n, list) => n + lengthOf(list), 0)
    : 0;
  // Poetry lists the Python version itself among the dependencies.
  const poetryDeps = isRecord(poetry.dependencies)
    ? Object.keys(poetry.dependencies).filter((k) => k !== 'python').length
    : 0;
  let poetryGroups = keysOf(poetry['dev-dependencies']);
  if (isRecord(poetry.group)) {
    for (const group of Object.values(poetry.group))
      if (isRecord(group)) poetryGroups += keysOf(group.dependencies);
  }
  const dependencyGroups = isRecord(doc['dependency-groups'])
    ? Object.values(doc['dependency-groups']).reduce<number>(
        (n, list) => n + (Array.isArray(list) ? list.filter((x) => typeof x === 'string').length : 0),
        0,
      )
    : 0;
  return {
    name: str(project.name) ?? str(poetry.name),
    version: str(project.version) ?? str(poetry.version),
    dependencies: groups({
      runtime: lengthOf(project.dependencies) + poetryDeps,
      optional,
      dev: poetryGroups + dependencyGroups,
    }),
  };
}

function readPipfile(text: string) {
  const doc = parseToml(text) as Record<string, unknown>;
  return { dependencies: groups({ runtime: keysOf(doc.packages), dev: keysOf(doc['dev-packages']) }) };
}

function readRequirements(text: string) {
  // Options (-r other.txt, --index-url) and comments are not requirements.
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+#.*$/, '').trim());
  return {
    dependencies: groups({
      runtime: lines.filter((l) => l && !l.startsWith('#') && !l.startsWith('-')).length,
    }),
  };
}

function readGoMod(text: string) {
  let moduleName: string | undefined;
  let direct = 0;
  let indirect = 0;
  let inRequire = false;
  const count = (line: string) => {
    if (/\/\/\s*indirect\b/.test(line)) indirect++;
    else direct++;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (inRequire) {
      if (line === ')') inRequire = false;
      else if (line && !line.startsWith('//')) count(line);
      continue;
    }
    const module = /^module\s+(\S+)/.exec(line);
    if (module) moduleName = module[1]?.replace(/^"|"$/g, '');
    else if (/^require\s*\($/.test(line)) inRequire = true;
    else if (/^require\s+\S/.test(line)) count(line);
  }
  return { name: moduleName, dependencies: groups({ runtime: direct, indirect }) };
}

function readPom(text: string) {
  const doc = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    isArray: (name) => name === 'dependency',
  }).parse(text) as Record<string, unknown>;
  const project = isRecord(doc.project) ? doc.project : undefined;
  if (!project) throw new Error('no <project> element');
  const listed = (deps: unknown) => (isRecord(deps) ? lengthOf(deps.dependency) : 0);
  const deps =
    isRecord(project.dependencies) && Array.isArray(project.dependencies.dependency)
      ? project.dependencies.dependency
      : [];
  const test = deps.filter((d) => isRecord(d) && d.scope === 'test').length;
  const all = deps.length;
  const managed = isRecord(project.dependencyManagement)
    ? listed(project.dependencyManagement.dependencies)
    : 0;
  const artifact = str(project.artifactId);
  const group = str(project.groupId);
  return {
    name: artifact && group ? `${group}:${artifact}` : artifact,
    version: str(project.version),
    dependencies: groups({ runtime: all - test, test, managed }),
  };
}

function readGemfile(text: string) {
  return {
    dependencies: groups({ runtime: text.split(/\r?\n/).filter((l) => /^\s*gem\s+['"]/.test(l)).length }),
  };
}

const GRADLE_CONFIGURATIONS =
  /^\s*(implementation|api|compileOnly|runtimeOnly|annotationProcessor|kapt|ksp|testImplementation|testRuntimeOnly|testCompileOnly|androidTestImplementation|debugImplementation|compile|testCompile)\s*[("'\s]/;

function readGradle(text: string) {
  let runtime = 0;
  let test = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = GRADLE_CONFIGURATIONS.exec(line);
    if (!m) continue;
    if (/^(test|androidTest)/.test(m[1] as string)) test++;
    else runtime++;
  }
  return { dependencies: groups({ runtime, test }) };
}
