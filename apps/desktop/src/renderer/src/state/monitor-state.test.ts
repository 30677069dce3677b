import type { HubEvent, Notice, ServerInfo, TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { applyEvent, dismissNotice, initialMonitorState, type MonitorState } from './monitor-state';
import { filterTasks, noFilter } from './task-filter';

const task = (id: string, patch: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  server: 'analytics',
  tool: 'analyze_csv',
  mode: 'task',
  status: 'working',
  createdAt: 1000,
  updatedAt: 1000,
  ...patch,
});
const server = (name: string, patch: Partial<ServerInfo> = {}): ServerInfo => ({
  name,
  bundled: true,
  status: 'ready',
  restarts: 0,
  tools: [],
  stderrTail: [],
  ...patch,
});
const snapshot = (tasks: TaskSummary[], servers: ServerInfo[] = [], notices?: Notice[]): HubEvent => ({
  type: 'snapshot',
  servers,
  tasks,
  roots: [],
  ...(notices && { notices }),
});
const batch = (tasks: TaskSummary[], servers: ServerInfo[] = [], notices?: Notice[]): HubEvent => ({
  type: 'batch',
  servers,
  tasks,
  logs: [],
  ...(notices && { notices }),
});
const notice = (id: string, message = `notice ${id}`): Notice => ({ id, at: 1, level: 'warning', message });
const fold = (events: HubEvent[], from: MonitorState = initialMonitorState) =>
  events.reduce(applyEvent, from);

describe('applyEvent', () => {
  it('loads a snapshot, newest task first', () => {
    const state = fold([
      snapshot(
        [task('a', { createdAt: 1 }), task('b', { createdAt: 3 }), task('c', { createdAt: 2 })],
        [server('x')],
      ),
    ]);
    expect(state.loaded).toBe(true);
    expect(state.order).toEqual(['b', 'c', 'a']);
    expect(state.servers.map((s) => s.name)).toEqual(['x']);
  });

  it('ignores an older update that arrives after a newer one', () => {
    const state = fold([
      snapshot([]),
      batch([task('a', { progress: 50, total: 100, updatedAt: 2000 })]),
      batch([task('a', { progress: 10, total: 100, updatedAt: 1500 })]),
    ]);
    expect(state.tasks.get('a')?.progress).toBe(50);
  });

  it('never moves a terminal task back to running, even with a later timestamp', () => {
    const state = fold([
      snapshot([]),
      batch([task('a', { status: 'cancelled', updatedAt: 2000 })]),
      batch([task('a', { status: 'working', progress: 80, updatedAt: 3000 })]),
    ]);
    expect(state.tasks.get('a')?.status).toBe('cancelled');
  });

  it('prefers the terminal record when two updates share a timestamp', () => {
    const state = fold([
      snapshot([]),
      batch([task('a', { status: 'completed', updatedAt: 2000 })]),
      batch([task('a', { updatedAt: 2000 })]),
    ]);
    expect(state.tasks.get('a')?.status).toBe('completed');
    const other = fold([
      snapshot([]),
      batch([task('a', { updatedAt: 2000 })]),
      batch([task('a', { status: 'failed', updatedAt: 2000 })]),
    ]);
    expect(other.tasks.get('a')?.status).toBe('failed');
  });

  it('returns the same state object for a duplicate batch', () => {
    const once = fold([snapshot([]), batch([task('a', { updatedAt: 2000 })])]);
    const twice = applyEvent(once, batch([task('a', { updatedAt: 2000 })]));
    expect(twice).toBe(once);
  });

  it('keeps one entry per task when a batch repeats it, and merges new tasks into order', () => {
    const state = fold([
      snapshot([task('old', { createdAt: 10 })]),
      batch([
        task('n1', { createdAt: 30 }),
        task('mid', { createdAt: 20 }),
        task('n1', { createdAt: 30, updatedAt: 1001 }),
      ]),
    ]);
    expect(state.order).toEqual(['n1', 'mid', 'old']);
    expect(state.tasks.size).toBe(3);
  });

  it('replaces server records by name and a snapshot replaces everything', () => {
    let state = fold([snapshot([task('a')], [server('b'), server('a')])]);
    state = applyEvent(state, batch([], [server('a', { status: 'crashed', error: 'exit 1' })]));
    expect(state.servers.map((s) => [s.name, s.status])).toEqual([
      ['a', 'crashed'],
      ['b', 'ready'],
    ]);
    state = applyEvent(state, snapshot([], [server('c')]));
    expect(state.tasks.size).toBe(0);
    expect(state.servers.map((s) => s.name)).toEqual(['c']);
  });

  it('remembers the last crash of a server after it restarted', () => {
    let state = fold([snapshot([], [server('a')])]);
    state = applyEvent(
      state,
      batch([], [server('a', { status: 'starting', error: 'Server a killed by SIGKILL' })]),
      5000,
    );
    state = applyEvent(state, batch([], [server('a', { status: 'ready', restarts: 1 })]), 6000);
    expect(state.crashes.get('a')).toEqual({ reason: 'Server a killed by SIGKILL', at: 5000 });
    const same = applyEvent(
      state,
      batch([], [server('a', { status: 'starting', error: 'Server a killed by SIGKILL' })]),
      7000,
    );
    expect(same.crashes.get('a')?.at).toBe(5000);
  });

  it('drops a removed server and its last crash; a server waiting for sign-in has not crashed', () => {
    let state = fold([snapshot([], [server('a'), server('r')])]);
    state = applyEvent(
      state,
      batch([], [server('r', { status: 'reconnecting', error: 'Server r cannot be reached' })]),
      10,
    );
    expect(state.crashes.get('r')?.reason).toBe('Server r cannot be reached');
    state = applyEvent(state, { type: 'batch', servers: [], tasks: [], logs: [], removedServers: ['r'] });
    expect(state.servers.map((s) => s.name)).toEqual(['a']);
    expect(state.crashes.has('r')).toBe(false);
    state = applyEvent(
      state,
      batch([], [server('s', { status: 'needs_sign_in', error: 'answered HTTP 401' })]),
    );
    expect(state.servers.map((s) => [s.name, s.status])).toEqual([
      ['a', 'ready'],
      ['s', 'needs_sign_in'],
    ]);
    expect(state.crashes.has('s')).toBe(false);
  });

  it('handles thousands of tasks with shuffled, repeated updates and ends at the newest of each', () => {
    const count = 5000;
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const updates: TaskSummary[] = [];
    for (let i = 0; i < count; i++) {
      for (let step = 1; step <= 4; step++) {
        updates.push(
          task(`t${i}`, {
            createdAt: i,
            updatedAt: 1000 + step,
            progress: step,
            total: 4,
            status: step === 4 ? 'completed' : 'working',
          }),
        );
      }
    }
    for (let i = updates.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [updates[i], updates[j]] = [updates[j] as TaskSummary, updates[i] as TaskSummary];
    }
    let state = fold([snapshot([])]);
    for (let i = 0; i < updates.length; i += 500) state = applyEvent(state, batch(updates.slice(i, i + 500)));
    expect(state.tasks.size).toBe(count);
    expect([...state.tasks.values()].every((t) => t.status === 'completed' && t.progress === 4)).toBe(true);
    expect(state.order[0]).toBe(`t${count - 1}`);
    expect(state.order.at(-1)).toBe('t0');
    expect(new Set(state.order).size).toBe(count);
  });
});

describe('notices', () => {
  const ids = (state: MonitorState) => state.notices.map((n) => n.id);

  it('shows the snapshot’s notices and adds those of batches, each once', () => {
    let state = fold([snapshot([], [], [notice('a'), notice('b')])]);
    expect(ids(state)).toEqual(['a', 'b']);
    // A subscriber that joined just before a batch sees a notice twice: once is enough.
    state = applyEvent(state, batch([], [], [notice('b'), notice('c')]));
    expect(ids(state)).toEqual(['a', 'b', 'c']);
    expect(applyEvent(state, batch([], [], [notice('c')]))).toBe(state);
    expect(fold([snapshot([])]).notices).toEqual([]);
  });

  it('counts a batch with only a new notice as a change', () => {
    const state = fold([snapshot([])]);
    const next = applyEvent(state, batch([], [], [notice('a')]));
    expect(next.version).toBe(state.version + 1);
    expect(next.notices).toEqual([notice('a')]);
  });

  it('keeps a dismissed notice hidden when a reconnect’s snapshot or a batch carries it again', () => {
    let state = fold([snapshot([], [], [notice('a'), notice('b')])]);
    state = dismissNotice(state, 'a');
    expect(ids(state)).toEqual(['b']);
    state = applyEvent(state, snapshot([], [], [notice('a'), notice('b')]));
    expect(ids(state)).toEqual(['b']);
    expect(applyEvent(state, batch([], [], [notice('a')]))).toBe(state);
    expect(dismissNotice(state, 'a')).toBe(state);
    expect(dismissNotice(state, 'nope')).toBe(state);
  });

  it('takes a new snapshot’s notices in place of the old ones', () => {
    const state = fold([snapshot([], [], [notice('old')]), snapshot([], [], [notice('new')])]);
    expect(ids(state)).toEqual(['new']);
  });
});

describe('tasks a newer Taskdeck wrote', () => {
  it('holds an unknown status as terminal: no later update moves it back to running', () => {
    const paused = task('a', { status: 'unknown', unrecognizedStatus: 'paused', updatedAt: 2000 });
    const state = fold([snapshot([paused]), batch([task('a', { status: 'working', updatedAt: 3000 })])]);
    expect(state.tasks.get('a')).toEqual(paused);
  });
});

describe('filterTasks', () => {
  const state = fold([
    snapshot([
      task('a', { status: 'working', server: 'analytics', statusMessage: 'Reading sales.csv' }),
      task('b', { status: 'failed', server: 'dev-tools', tool: 'scan_project', error: 'permission denied' }),
      task('c', { status: 'interrupted', server: 'dev-tools', tool: 'scan_project' }),
      task('d', { status: 'input_required', server: 'cloud-ops', tool: 'deploy_service' }),
      task('e', { status: 'unknown', unrecognizedStatus: 'paused', server: 'cloud-ops' }),
    ]),
  ]);
  const ids = (filter: Partial<typeof noFilter>) =>
    [...filterTasks(state.order, state.tasks, { ...noFilter, ...filter })].sort();

  it('filters by status group, server and words in any field', () => {
    expect(ids({})).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids({ status: 'active' })).toEqual(['a', 'd']);
    expect(ids({ status: 'failed' })).toEqual(['b', 'c']);
    expect(ids({ status: 'completed' })).toEqual([]);
    expect(ids({ server: 'dev-tools' })).toEqual(['b', 'c']);
    expect(ids({ text: 'SALES' })).toEqual(['a']);
    expect(ids({ text: 'scan denied' })).toEqual(['b']);
    expect(ids({ text: 'paused' })).toEqual(['e']);
    expect(ids({ server: 'analytics', status: 'failed' })).toEqual([]);
  });
});
