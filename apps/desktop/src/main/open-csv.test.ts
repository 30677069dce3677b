import { resolve } from 'node:path';
import type { ServerInfo, StartTool } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { type CsvHub, CsvOpener, csvPathsFromArgv } from './open-csv';

describe('csvPathsFromArgv', () => {
  it('keeps .csv arguments, resolved against the launch directory, without duplicates', () => {
    const argv = [
      '/opt/Taskdeck/taskdeck',
      '--no-sandbox',
      'data/a.csv',
      '/tmp/B.CSV',
      'data/a.csv',
      'notes.txt',
    ];
    expect(csvPathsFromArgv(argv, '/home/me')).toEqual([resolve('/home/me', 'data/a.csv'), '/tmp/B.CSV']);
  });

  it('takes file: URLs, as Linux "Open With" passes them (Exec=… %U)', () => {
    const argv = ['/opt/Taskdeck/taskdeck', 'file:///home/u/My%20Data.csv', 'FILE:///tmp/b%23.csv'];
    expect(csvPathsFromArgv(argv, '/home/me')).toEqual(['/home/u/My Data.csv', '/tmp/b#.csv']);
    // A URL naming no local file stays as typed: opening it fails with its name.
    expect(csvPathsFromArgv(['/x', 'file://server/share/c.csv'], '/')).toEqual(['file://server/share/c.csv']);
  });

  it('ignores the executable, switches that mention .csv, and an unpackaged app path', () => {
    expect(csvPathsFromArgv(['/x/report.csv', '--open=/y.csv', '.'], '/')).toEqual([]);
    expect(csvPathsFromArgv([], '/')).toEqual([]);
  });
});

function fakeHub(readyAfterPolls = 0): CsvHub & { started: StartTool[]; granted: string[] } {
  let polls = 0;
  const analytics = (ready: boolean): ServerInfo => ({
    name: 'analytics',
    bundled: true,
    status: ready ? 'ready' : 'starting',
    restarts: 0,
    stderrTail: [],
    tools: ready ? [{ name: 'analyze_csv', inputSchema: {}, taskSupport: 'optional' }] : [],
  });
  const hub = {
    started: [] as StartTool[],
    granted: [] as string[],
    servers: () => [analytics(polls++ >= readyAfterPolls)],
    grantRoots: async (paths: string[]) => {
      hub.granted.push(...paths);
      return hub.granted;
    },
    startTool: async (request: StartTool) => {
      hub.started.push(request);
      return { taskId: `t${hub.started.length}` };
    },
  };
  return hub;
}

describe('CsvOpener', () => {
  it('queues files opened before the hub exists, then grants and profiles them', async () => {
    const opener = new CsvOpener({ pollMs: 1 });
    await opener.open(['/data/a.csv']);
    const hub = fakeHub(3);
    await opener.attach(hub);
    await opener.open(['/data/b.csv']);
    expect(hub.granted).toEqual(['/data/a.csv', '/data/b.csv']);
    expect(hub.started).toEqual([
      { server: 'analytics', tool: 'analyze_csv', arguments: { filePath: '/data/a.csv' } },
      { server: 'analytics', tool: 'analyze_csv', arguments: { filePath: '/data/b.csv' } },
    ]);
  });

  it('reports a file it cannot open and keeps going', async () => {
    const errors: string[] = [];
    const opener = new CsvOpener({
      pollMs: 1,
      readyTimeoutMs: 20,
      onError: (path, error) => errors.push(`${path}: ${error.message}`),
    });
    const hub = fakeHub(Number.POSITIVE_INFINITY);
    await opener.attach(hub);
    await opener.open(['/data/a.csv']);
    expect(errors).toEqual(['/data/a.csv: The analytics server is not ready: it is starting.']);
    expect(hub.started).toEqual([]);

    const missing = new CsvOpener({ onError: (path, error) => errors.push(`${path}: ${error.message}`) });
    await missing.attach({
      ...fakeHub(),
      grantRoots: () => Promise.reject(new Error('Not found: /gone.csv')),
    });
    await missing.open(['/gone.csv']);
    expect(errors.at(-1)).toBe('/gone.csv: Not found: /gone.csv');
  });

  it('ends quietly at quit: files still opening report nothing, queued files are dropped', async () => {
    const errors: string[] = [];
    const opener = new CsvOpener({
      pollMs: 1,
      onError: (path, error) => errors.push(`${path}: ${error.message}`),
    });
    await opener.open(['/data/queued.csv']);
    const hub = fakeHub(Number.POSITIVE_INFINITY);
    const waiting = opener.attach(hub);
    opener.close();
    await waiting;
    await opener.open(['/data/late.csv']);
    expect(hub.started).toEqual([]);
    expect(errors).toEqual([]);

    // The hub refusing new tasks while it shuts down is no error to show either.
    const closing = new CsvOpener({ onError: (path, error) => errors.push(`${path}: ${error.message}`) });
    await closing.attach({
      ...fakeHub(),
      grantRoots: async () => {
        closing.close();
        return [];
      },
    });
    await closing.open(['/data/at-quit.csv']);
    expect(errors).toEqual([]);
  });
});
