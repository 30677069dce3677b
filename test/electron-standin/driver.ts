/**
 * Runs the built main process (out/main/index.js, or a packaged copy) in a child Node process
 * with the Electron stand-in (electron-main.mjs) and drives it over the child's IPC channel:
 * one child per test, so no test's process state leaks into another.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands, EVENT_CHANNEL, HubEventSchema } from '@taskdeck/contract';
import { expect } from 'vitest';
import {
  applyEvent,
  initialMonitorState,
  type MonitorState,
} from '../../apps/desktop/src/renderer/src/state/monitor-state';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const BUILT_MAIN = join(PROJECT_ROOT, 'out', 'main', 'index.js');
const REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));

/** Something the stand-in saw the app do (electron-main.mjs `record`). */
export interface StandInRecord {
  kind: string;
  [field: string]: unknown;
}

/** Where an IPC call comes from (electron-main.mjs `senderOf`). */
export type Sender = 'main' | 'subframe' | 'none' | 'foreign';

export type InvokeResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface StandInOptions {
  /** The main bundle to run; default out/main/index.js. */
  main?: string;
  /** Arguments after the script, as a launch with files would pass them. */
  args?: string[];
  cwd?: string;
  /** TASKDECK_DATA_DIR; default: a fresh temp folder. */
  dataDir?: string;
  /** Another instance holds the single-instance lock. */
  lockTaken?: boolean;
  /** Run as the packaged app: `app.isPackaged`, `process.resourcesPath` beside the app folder. */
  packaged?: boolean;
  /** What `safeStorage` finds: a keychain (default), Linux's `basic_text` fallback, or `none`. */
  safeStorage?: 'keychain' | 'basic_text' | 'none';
}

const PROBLEMS = new Set(['violation', 'uncaught-exception', 'unhandled-rejection']);

export class StandInApp {
  readonly records: StandInRecord[] = [];
  /** The hub's state as the window saw it: every hub:event, validated and folded like the renderer does. */
  monitor: MonitorState = initialMonitorState;
  readonly exited: Promise<number | null>;
  stderr = '';
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (reply: InvokeResult) => void>();
  private readonly watchers = new Set<() => void>();
  private readonly listeners = new Set<(entry: StandInRecord) => void>();
  private nextId = 1;
  private readonly home: string;

  constructor(
    readonly dataDir: string,
    options: StandInOptions,
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'taskdeck-standin-home-'));
    this.child = spawn(
      process.execPath,
      ['--expose-gc', '--import', REGISTER, options.main ?? BUILT_MAIN, ...(options.args ?? [])],
      {
        cwd: options.cwd ?? PROJECT_ROOT,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: this.home,
          XDG_CONFIG_HOME: join(this.home, '.config'),
          TASKDECK_DATA_DIR: dataDir,
          TASKDECK_TIME_SCALE: '0.01',
          ...(options.lockTaken && { STANDIN_INSTANCE_LOCK: 'taken' }),
          ...(options.packaged && { STANDIN_PACKAGED: '1' }),
          ...(options.safeStorage && { STANDIN_SAFE_STORAGE: options.safeStorage }),
        },
      },
    );
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child.on('message', (message: { type: string; id?: number } & Record<string, unknown>) =>
      this.receive(message),
    );
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
    void this.exited.then(() => {
      for (const reply of this.pending.values())
        reply({ ok: false, error: `the app exited\n${this.stderr}` });
      this.pending.clear();
      this.wake();
    });
  }

  static start(options: StandInOptions = {}): StandInApp {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'taskdeck-standin-'));
    return new StandInApp(dataDir, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Calls `listener` with every later record; returns the unsubscribe function. */
  onRecord(listener: (entry: StandInRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records of one kind. */
  all(kind: string): StandInRecord[] {
    return this.records.filter((entry) => entry.kind === kind);
  }

  /** Broken Electron rules, uncaught errors and unhandled rejections: each is a bug. */
  problems(): StandInRecord[] {
    return this.records.filter((entry) => PROBLEMS.has(entry.kind));
  }

  request(op: string, payload: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((done, fail) => {
      this.pending.set(id, (reply) => (reply.ok ? done(reply.value) : fail(new Error(reply.error))));
      this.child.send({ id, op, ...payload }, (error) => {
        if (error) {
          this.pending.delete(id);
          fail(error);
        }
      });
    });
  }

  /** ipcRenderer.invoke from a frame (default: our window's main frame). */
  invoke(channel: string, args: unknown[] = [], from: Sender = 'main', url?: string): Promise<InvokeResult> {
    return this.request('invoke', { channel, args, from, url }) as Promise<InvokeResult>;
  }

  /** Like invoke, but the call must succeed: returns its value. */
  async call(channel: string, ...args: unknown[]): Promise<unknown> {
    const result = await this.invoke(channel, args);
    if (!result.ok) throw new Error(result.error);
    return result.value;
  }

  /**
   * Resolves once `check` returns something other than undefined, re-checked after every record.
   * Rejects after `timeoutMs`, or when the process exits first.
   */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    return new Promise((done, fail) => {
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${what}\n${this.stderr}`)),
        timeoutMs,
      );
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.watchers.delete(poll);
        if (error) fail(error);
        else done(value as T);
      };
      const poll = () => {
        const value = check();
        if (value !== undefined) finish(undefined, value);
        else if (!this.running) finish(new Error(`the app exited while waiting for ${what}\n${this.stderr}`));
      };
      this.watchers.add(poll);
      poll();
    });
  }

  /** The first record of `kind` (matching `match`), waiting for it. */
  waitForRecord(kind: string, match: (entry: StandInRecord) => boolean = () => true): Promise<StandInRecord> {
    return this.waitFor(`a ${kind} record`, () =>
      this.records.find((entry) => entry.kind === kind && match(entry)),
    );
  }

  /** Resolves once every bundled server is ready, as the window saw it. */
  serversReady(): Promise<void> {
    return this.waitFor('the four servers to be ready', () => {
      const ready = this.monitor.servers.filter((server) => server.status === 'ready');
      return ready.length === 4 ? true : undefined;
    }).then(() => undefined);
  }

  /** The exit code, once the process ended; rejects with what went wrong when it does not end in time. */
  async exitCode(timeoutMs = 15_000): Promise<number | null> {
    await this.waitFor('the app to exit', () => (this.running ? undefined : true), timeoutMs).catch(() => {
      throw new Error(
        `the app did not exit within ${timeoutMs} ms; problems: ${JSON.stringify(this.problems())}\n${this.stderr}`,
      );
    });
    return this.exited;
  }

  /**
   * Ends the child if a test left it running, and removes the temp folders. A killed main process
   * leaves its servers to notice their closed stdin and exit on their own, and until then they may
   * still write into the data dir (a removal racing them fails with ENOTEMPTY): wait for them first.
   */
  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    for (let waited = 0; waited < 10_000 && processesUsing(this.dataDir).length > 0; waited += 50)
      await new Promise((done) => setTimeout(done, 50));
    for (const pid of processesUsing(this.dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 5 });
  }

  private receive(message: { type: string; id?: number } & Record<string, unknown>): void {
    if (message.type === 'reply' && message.id !== undefined) {
      const reply = this.pending.get(message.id);
      this.pending.delete(message.id);
      reply?.(message as unknown as InvokeResult);
      return;
    }
    const { type: _type, ...entry } = message as unknown as StandInRecord;
    this.records.push(entry as StandInRecord);
    if (entry.kind === 'send' && entry.channel === EVENT_CHANNEL) {
      const event = HubEventSchema.parse((entry.args as unknown[])[0]);
      this.monitor = applyEvent(this.monitor, event);
    }
    for (const listener of this.listeners) listener(entry as StandInRecord);
    this.wake();
  }

  private wake(): void {
    for (const poll of [...this.watchers]) poll();
  }
}

/** Pids of live processes whose environment names this data dir (Linux: /proc), except `except`. */
export function processesUsing(dataDir: string, except?: number): number[] {
  const needle = Buffer.from(`TASKDECK_DATA_DIR=${dataDir}\0`);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === except || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(needle)) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** What a server process was started with (Linux: /proc): argv and environment. */
export function processLaunch(pid: number): { argv: string[]; env: Map<string, string> } {
  const split = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
  const env = new Map(
    split('environ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { argv: split('cmdline'), env };
}

/** True when the data dir's lock file is gone (the hub released it). */
export function lockReleased(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'hub.lock'));
}

/** Exit code 0, no broken Electron rule, no server left, the lock released, the window's place saved. */
export async function expectCleanExit(app: StandInApp, { hadWindow }: { hadWindow: boolean }): Promise<void> {
  expect(await app.exitCode()).toBe(0);
  expect(app.problems()).toEqual([]);
  expect(processesUsing(app.dataDir)).toEqual([]);
  expect(lockReleased(app.dataDir)).toBe(true);
  expect(existsSync(join(app.dataDir, 'window-state.json'))).toBe(hadWindow);
}

/** Emits `ready`, waits for the window's page, and subscribes to hub events as the page does. */
export async function startWindow(app: StandInApp): Promise<void> {
  await app.request('ready');
  await app.waitForRecord('page-load');
  await app.call(commands.subscribe.channel);
  await app.waitFor('the first snapshot', () => (app.monitor.loaded ? true : undefined));
}
