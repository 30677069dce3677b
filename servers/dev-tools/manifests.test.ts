import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from './manifests.js';
import { makeTree } from './test/fixture-tree.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function read(name: string, content: string) {
  const t = makeTree({ [name]: content });
  cleanups.push(t.cleanup);
  return readManifest(join(t.root, name), name, name);
}

describe('manifest readers', () => {
  it('package.json', async () => {
    const m = await read(
      'package.json',
      JSON.stringify({
        name: 'app',
        version: '1.2.3',
        dependencies: { a: '1', b: '2' },
        devDependencies: { c: '3' },
        peerDependencies: { d: '4' },
      }),
    );
    expect(m).toMatchObject({
      ecosystem: 'npm',
      name: 'app',
      version: '1.2.3',
      dependencies: { runtime: 2, dev: 1, peer: 1 },
      totalDependencies: 4,
    });
  });

  it('Cargo.toml with target-specific and workspace dependencies', async () => {
    const m = await read(
      'Cargo.toml',
      [
        '[package]',
        'name = "tool"',
        'version = "0.1.0"',
        '[dependencies]',
        'serde = "1"',
        'tokio = { version = "1", features = ["full"] }',
        '[dev-dependencies]',
        'proptest = "1"',
        "[target.'cfg(unix)'.dependencies]",
        'libc = "0.2"',
        '[build-dependencies]',
        'cc = "1"',
      ].join('\n'),
    );
    expect(m).toMatchObject({
      name: 'tool',
      dependencies: { runtime: 3, dev: 1, build: 1 },
      totalDependencies: 5,
    });
  });

  it('pyproject.toml (PEP 621 and Poetry)', async () => {
    const pep = await read(
      'pyproject.toml',
      '[project]\nname = "p"\nversion = "1"\ndependencies = ["requests>=2", "rich"]\n[project.optional-dependencies]\ntest = ["pytest"]\n',
    );
    expect(pep).toMatchObject({ name: 'p', dependencies: { runtime: 2, optional: 1 } });
    const poetry = await read(
      'pyproject.toml',
      '[tool.poetry]\nname = "q"\n[tool.poetry.dependencies]\npython = "^3.11"\nhttpx = "*"\n[tool.poetry.group.dev.dependencies]\nruff = "*"\n',
    );
    expect(poetry).toMatchObject({ name: 'q', dependencies: { runtime: 1, dev: 1 } });
  });

  it('go.mod with a require block and indirect dependencies', async () => {
    const m = await read(
      'go.mod',
      'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v0.2.0 // indirect\n)\n\nrequire github.com/e/f v1.1.0\n',
    );
    expect(m).toMatchObject({
      name: 'example.com/app',
      dependencies: { runtime: 2, indirect: 1 },
      totalDependencies: 3,
    });
  });

  it('pom.xml', async () => {
    const dep = (a: string, scope = '') =>
      `<dependency><groupId>g</groupId><artifactId>${a}</artifactId>${scope}</dependency>`;
    const m = await read(
      'pom.xml',
      `<?xml version="1.0"?><project><groupId>org.x</groupId><artifactId>svc</artifactId><version>1.0</version><dependencies>${dep('a')}${dep('b')}${dep('junit', '<scope>test</scope>')}</dependencies></project>`,
    );
    expect(m).toMatchObject({ name: 'org.x:svc', version: '1.0', dependencies: { runtime: 2, test: 1 } });
  });

  it('requirements.txt, Gemfile and build.gradle', async () => {
    expect(
      await read('requirements.txt', '# pinned\nrequests==2.0\n-r base.txt\n\nflask  # web\n'),
    ).toMatchObject({ dependencies: { runtime: 2 } });
    expect(
      await read('Gemfile', "source 'https://rubygems.org'\ngem 'rails'\n  gem \"puma\"\n"),
    ).toMatchObject({ dependencies: { runtime: 2 } });
    expect(
      await read(
        'build.gradle',
        "dependencies {\n  implementation 'a:b:1'\n  testImplementation(\"junit:junit:4\")\n  api 'c:d:2'\n}\n",
      ),
    ).toMatchObject({ dependencies: { runtime: 2, test: 1 } });
  });

  it('reports a malformed manifest instead of failing', async () => {
    const m = await read('package.json', '{ "name": ');
    expect(m.error).toMatch(/JSON/);
    expect(m.totalDependencies).toBe(0);
    expect((await read('Cargo.toml', '[package\n')).error).toBeTruthy();
  });
});
