import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWalls, importsOf } from './check-walls.mjs';

const CHECKER = join(import.meta.dirname, 'check-walls.mjs');

describe('checkWalls', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'taskdeck-walls-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    return root;
  }

  const allowed = {
    'packages/contract/src/api.ts': "import { z } from 'zod';\n",
    'packages/hub/src/hub.ts':
      "import type { HubEvent } from '@taskdeck/contract';\nimport { x } from './local.js';\n",
    'packages/hub/src/local.ts': 'export const x = 1;\n',
    'servers/alpha/index.ts':
      "import { TaskServer } from '@taskdeck/task-runtime/task-server';\nimport { y } from './tool.js';\n",
    'servers/alpha/tool.ts': 'export const y = 1;\n',
    'apps/desktop/src/renderer/src/App.tsx': "import type { HubEvent } from '@taskdeck/contract';\n",
    'apps/desktop/src/main/index.ts':
      "import { app } from 'electron';\nimport { Hub } from '@taskdeck/hub';\n",
  };

  it('passes a tree whose imports stay within each part', () => {
    expect(checkWalls(tree(allowed))).toEqual([]);
  });

  it('names the file, line, import and rule of every import across a wall', () => {
    const violations = checkWalls(
      tree({
        ...allowed,
        'apps/desktop/src/renderer/src/App.tsx':
          "import type { HubEvent } from '@taskdeck/contract';\n\nimport { Hub } from '@taskdeck/hub';\n",
        'packages/hub/src/hub.ts':
          "import { app } from 'electron';\nimport { y } from '../../../servers/alpha/tool.js';\n",
        'servers/beta/index.ts': "import { y } from '../alpha/tool.js';\n",
        'packages/contract/src/api.ts': "import { x } from '@taskdeck/node-common/paths';\n",
      }),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        'apps/desktop/src/renderer/src/App.tsx:3: imports @taskdeck/hub (hub); the renderer may import only contract, client',
        'packages/hub/src/hub.ts:1: hub must not import electron',
        'packages/hub/src/hub.ts:2: imports ../../../servers/alpha/tool.js (a server); hub may import only contract, node-common',
        'servers/beta/index.ts:1: imports ../alpha/tool.js (servers/alpha/tool.js): a server never imports another server',
        'packages/contract/src/api.ts:1: imports @taskdeck/node-common/paths (node-common); contract may import only nothing of ours',
      ]),
    );
    expect(violations).toHaveLength(5);
  });

  it('keeps test helpers out of production code', () => {
    const violations = checkWalls(
      tree({
        ...allowed,
        'packages/hub/test/harness.ts': 'export const h = 1;\n',
        'packages/hub/src/hub.test.ts': "import { h } from '../test/harness.js';\n",
        'packages/hub/src/local.ts': "import { h } from '../test/harness.js';\n",
      }),
    );
    expect(violations).toEqual([
      'packages/hub/src/local.ts:1: imports test helper ../test/harness.js from production code',
    ]);
  });

  it('exits 1 and prints the violations when run as npm test runs it', () => {
    const dir = tree({ ...allowed, 'servers/beta/index.ts': "import { y } from '../alpha/tool.js';\n" });
    const wrong = spawnSync(process.execPath, [CHECKER, dir], { encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('servers/beta/index.ts:1: imports ../alpha/tool.js');
    rmSync(join(dir, 'servers/beta'), { recursive: true });
    expect(spawnSync(process.execPath, [CHECKER, dir], { encoding: 'utf8' }).status).toBe(0);
  });
});

describe('importsOf', () => {
  it('finds static, type-only, multi-line, side-effect, dynamic and require imports, not comments', () => {
    const text = [
      "import { a } from './a.js';",
      'import type {',
      '  B,',
      "} from './b.js';",
      "export { c } from './c.js';",
      "import './d.css';",
      "const e = await import('./e.js');",
      "const f = require('./f.cjs');",
      "// import { g } from './g.js';",
      "/* import { h } from './h.js'; */",
      "const s = 'from ./not-an-import';",
    ].join('\n');
    expect(importsOf(text)).toEqual(
      expect.arrayContaining([
        { specifier: './a.js', line: 1 },
        { specifier: './b.js', line: 4 },
        { specifier: './c.js', line: 5 },
        { specifier: './d.css', line: 6 },
        { specifier: './e.js', line: 7 },
        { specifier: './f.cjs', line: 8 },
      ]),
    );
    expect(importsOf(text)).toHaveLength(6);
  });
});
