import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpHarness, structured, textOf } from '../../test/mcp-harness.js';
import { scanReportSchema } from './report-schema.js';
import { makeTree } from './test/fixture-tree.js';

const harnesses: McpHarness[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

async function start(options: Parameters<typeof McpHarness.start>[1] = {}) {
  const harness = await McpHarness.start('dev-tools', options);
  harnesses.push(harness);
  return harness;
}

function tree(entries: Parameters<typeof makeTree>[0]) {
  const t = makeTree(entries);
  cleanups.push(t.cleanup);
  return t.root;
}

/** A tree big enough to run on the counter threads and to be cancelled mid-scan. */
const BIG_FILES = 12_000;
/** Lines of each kind per file: ~28 KB files, ~340 MB in all, so a scan lasts long enough to cancel mid-way. */
const REPEAT = 800;
let big = '';
beforeAll(() => {
  big = mkdtempSync(join(tmpdir(), 'taskdeck-devtools-big-'));
  cleanups.push(() => rmSync(big, { recursive: true, force: true }));
  const body = '// comment\nexport const value = 1;\n\n'.repeat(REPEAT);
  for (let d = 0; d < 120; d++) {
    const dir = join(big, `pkg${d}`, 'src');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < BIG_FILES / 120; f++) writeFileSync(join(dir, `m${f}.ts`), body);
  }
}, 120_000);

/** User + system CPU time of a process, in clock ticks (Linux /proc). */
function cpuTicks(pid: number | null): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

describe('dev-tools scan_project over stdio', () => {
  it('lists scan_project with optional task support and both schemas', async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    const tool = tools.find((t) => t.name === 'scan_project');
    expect(tool?.execution?.taskSupport).toBe('optional');
    expect(tool?.inputSchema.properties).toHaveProperty('directory');
    expect(tool?.outputSchema?.properties).toHaveProperty('languages');
  });

  it('answers a small folder inline (plain call) with text and structured content', async () => {
    const root = tree({
      'a.py': '# c\nprint(1)\n',
      'b.ts': '// TODO: x\nlet a = 1;\n',
      'package.json': '{"name":"s","dependencies":{"x":"1"}}',
    });
    const h = await start();
    const { result } = await h.call('scan_project', { directory: root });
    expect(result.isError).toBeFalsy();
    const report = structured(result, scanReportSchema);
    expect(report.totals.files).toBe(3);
    expect(report.languages.map((l) => l.language).sort()).toEqual(['JSON', 'Python', 'TypeScript']);
    expect(report.todos.counts.TODO).toBe(1);
    expect(report.manifests.items[0]).toMatchObject({ name: 's', totalDependencies: 1 });
    expect(textOf(result)).toContain('Python');
  });

  it('runs as a task with progress in two phases and a status message', async () => {
    const h = await start();
    const { task, progressToken } = await h.startTask('scan_project', { directory: big });
    expect(task.status).toBe('working');
    await h.until(() => h.progressOf(progressToken).length > 0, 'first progress');
    const running = await h.client.experimental.tasks.getTask(task.taskId);
    expect(running.statusMessage).toMatch(/^(Walking: \d+ entries found, in |Counting: \d+ of \d+ files)/);
    const result = await h.result(task.taskId);
    expect(result.isError).toBeFalsy();
    const report = structured(result, scanReportSchema);
    expect(report.totals.files).toBe(BIG_FILES);
    expect(report.languages).toEqual([
      expect.objectContaining({
        language: 'TypeScript',
        files: BIG_FILES,
        code: BIG_FILES * REPEAT,
        comment: BIG_FILES * REPEAT,
        blank: BIG_FILES * REPEAT,
      }),
    ]);
    await h.waitForStatus(task.taskId, 'completed');
    const progress = h.progressOf(progressToken);
    expect(progress.length).toBeGreaterThan(1);
    for (let k = 1; k < progress.length; k++)
      expect(progress[k]?.progress).toBeGreaterThan(progress[k - 1]?.progress ?? 0);
    const walking = progress.filter((p) => p.message?.startsWith('Walking') && p.total === undefined);
    const counting = progress.filter((p) => p.message?.startsWith('Counting') && p.total !== undefined);
    expect(walking.length).toBeGreaterThan(0);
    expect(walking[0]?.message).toMatch(/in (\.|pkg\d+)/);
    expect(counting.length).toBeGreaterThan(0);
    // The last report fills the bar: entries walked plus files counted, out of the same.
    const last = progress.at(-1);
    expect(last?.total).toBe(last?.progress);
  });

  it('cancels a running scan at once and keeps serving', async () => {
    const h = await start();
    const { task, progressToken } = await h.startTask('scan_project', { directory: big });
    await h.until(() => h.progressOf(progressToken).length > 0, 'first progress');
    await h.client.experimental.tasks.cancelTask(task.taskId);
    await h.waitForStatus(task.taskId, 'cancelled');
    const notified = h.statuses.find((s) => s.taskId === task.taskId && s.status === 'cancelled');
    const afterCancel = h.progressOf(progressToken).filter((p) => p.at > (notified?.at ?? 0) + 50);
    expect(afterCancel).toEqual([]);
    expect(h.statusesOf(task.taskId)).not.toContain('completed');
    // The work really stopped: the server (its counter threads included) is idle now. The first
    // 300 ms are left out: counter threads that were still booting finish loading the bundle.
    if (existsSync('/proc/self/stat')) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cpuBefore = cpuTicks(h.pid);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(cpuTicks(h.pid) - cpuBefore).toBeLessThan(15); // < 30% of a core over 0.5 s (100 ticks/s); a scan uses ~100
    } else {
      console.log('skipped the CPU check after cancel: no /proc on this system');
    }
    // Still serving.
    const small = tree({ 'x.go': 'package main\n' });
    const { result } = await h.call('scan_project', { directory: small });
    expect(structured(result, scanReportSchema).totals.files).toBe(1);
  });

  it('enforces the client roots, follows roots changes, and refuses links out of them', async () => {
    const granted = tree({ 'in.rs': 'fn main() {}\n' });
    const other = tree({ 'out.rs': 'fn secret() {}\n' });
    symlinkSync(other, join(granted, 'escape'));
    const h = await start({ roots: [granted] });

    const denied = await h.call('scan_project', { directory: other });
    expect(denied.result.isError).toBe(true);
    expect(textOf(denied.result)).toMatch(/^Access denied: .* is outside the folders and files you granted/);

    const { result } = await h.call('scan_project', { directory: granted, followSymlinks: true });
    const report = structured(result, scanReportSchema);
    expect(report.totals.files).toBe(1);
    expect(report.errors.items).toEqual([
      { path: 'escape', code: 'EACCES_ROOTS', message: 'link target is outside the granted roots' },
    ]);

    // The server re-reads the roots after notifications/roots/list_changed.
    await h.setRoots([other]);
    const nowAllowed = await h.call('scan_project', { directory: other });
    expect(nowAllowed.result.isError).toBeFalsy();
    const nowDenied = await h.call('scan_project', { directory: granted });
    expect(nowDenied.result.isError).toBe(true);
  });

  it('gives a clear error for every bad input, inline and as a task', async () => {
    const file = tree({ 'f.txt': 'x' });
    const h = await start();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /directory: is required/],
      [{ directory: '' }, /directory: must not be empty/],
      [{ directory: 'relative/path' }, /Path must be absolute: relative\/path/],
      [{ directory: '/nonexistent/taskdeck' }, /Folder not found: \/nonexistent\/taskdeck/],
      [{ directory: join(file, 'f.txt') }, /is a file, not a folder/],
      [{ directory: file, maxFiles: 0 }, /maxFiles: must be at least 1/],
      [{ directory: file, maxFiles: 1.5 }, /maxFiles: must be a whole number/],
      [{ directory: file, includeHidden: 'yes' }, /includeHidden: .*boolean/],
      [{ directory: file, color: 'red' }, /unknown field\(s\) color/],
    ];
    for (const [args, message] of cases) {
      const { result } = await h.call('scan_project', args);
      expect({ args, error: result.isError, text: textOf(result) }).toEqual({
        args,
        error: true,
        text: expect.stringMatching(message),
      });
    }
    const { task } = await h.startTask('scan_project', { directory: 'relative' });
    await h.waitForStatus(task.taskId, 'failed');
    expect(textOf(await h.result(task.taskId))).toMatch(/Path must be absolute/);
  });
});
