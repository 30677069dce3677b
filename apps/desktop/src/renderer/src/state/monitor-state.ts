/**
 * The monitor's hub state as a framework-free state machine: `applyEvent` folds HubEvents
 * (a snapshot, then batches of changed records) into immutable state. Safe against
 * duplicated and out-of-order task updates: an older `updatedAt` never overwrites a newer
 * one, and a terminal task never goes back to running. A dismissed notice stays dismissed,
 * even when a later snapshot (a reconnect) carries it again.
 */
import {
  type HubEvent,
  type Notice,
  type ServerInfo,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '@taskdeck/contract';

export interface MonitorState {
  /** False until the first snapshot arrived. */
  loaded: boolean;
  servers: readonly ServerInfo[];
  tasks: ReadonlyMap<string, TaskSummary>;
  /** Task ids, newest first (createdAt, then id). */
  order: readonly string[];
  roots: readonly string[];
  /**
   * The last crash seen per server. The hub clears a server's error when it restarts it,
   * so the monitor remembers what it saw: a crash at 3 a.m. is still there in the morning.
   */
  crashes: ReadonlyMap<string, ServerCrash>;
  /** The hub's notices not dismissed yet, oldest first. */
  notices: readonly Notice[];
  /** Ids of the notices the user dismissed. */
  dismissedNotices: ReadonlySet<string>;
  /** Bumped on every change that reached the state. */
  version: number;
}

export interface ServerCrash {
  reason: string;
  /** When the monitor first saw it (the event's arrival). */
  at: number;
}

export const initialMonitorState: MonitorState = {
  loaded: false,
  servers: [],
  tasks: new Map(),
  order: [],
  roots: [],
  crashes: new Map(),
  notices: [],
  dismissedNotices: new Set(),
  version: 0,
};

/** A server that is not ready and reports an error has crashed or failed to start (waiting for sign-in is neither). */
function recordCrashes(
  crashes: ReadonlyMap<string, ServerCrash>,
  servers: readonly ServerInfo[],
  now: number,
): ReadonlyMap<string, ServerCrash> {
  let next: Map<string, ServerCrash> | undefined;
  for (const server of servers) {
    if (server.status === 'ready' || server.status === 'stopped' || server.status === 'needs_sign_in')
      continue;
    if (!server.error) continue;
    if (crashes.get(server.name)?.reason === server.error) continue;
    next ??= new Map(crashes);
    next.set(server.name, { reason: server.error, at: now });
  }
  return next ?? crashes;
}

function newerFirst(tasks: ReadonlyMap<string, TaskSummary>) {
  return (a: string, b: string): number => {
    const ta = tasks.get(a)?.createdAt ?? 0;
    const tb = tasks.get(b)?.createdAt ?? 0;
    return tb - ta || (a < b ? 1 : a > b ? -1 : 0);
  };
}

/** Whether `incoming` may replace `current`. */
export function supersedes(current: TaskSummary | undefined, incoming: TaskSummary): boolean {
  if (!current) return true;
  if (TERMINAL_TASK_STATUSES.has(current.status)) {
    // Terminal states never change; a later copy of the same terminal record is still welcome.
    return incoming.status === current.status && incoming.updatedAt > current.updatedAt;
  }
  if (incoming.updatedAt !== current.updatedAt) return incoming.updatedAt > current.updatedAt;
  // Same timestamp: only a move to a terminal state counts (the hub's clock has ms resolution).
  return TERMINAL_TASK_STATUSES.has(incoming.status);
}

/** `notices` plus those of `incoming` it lacks, leaving out dismissed ones; the same array when nothing is new. */
function addNotices(
  notices: readonly Notice[],
  incoming: readonly Notice[],
  dismissed: ReadonlySet<string>,
): readonly Notice[] {
  const known = new Set(notices.map((notice) => notice.id));
  const fresh = incoming.filter((notice) => !known.has(notice.id) && !dismissed.has(notice.id));
  return fresh.length === 0 ? notices : [...notices, ...fresh];
}

/** Hides a notice for good (this window). */
export function dismissNotice(state: MonitorState, id: string): MonitorState {
  if (!state.notices.some((notice) => notice.id === id)) return state;
  return {
    ...state,
    notices: state.notices.filter((notice) => notice.id !== id),
    dismissedNotices: new Set([...state.dismissedNotices, id]),
    version: state.version + 1,
  };
}

function forget(
  crashes: ReadonlyMap<string, ServerCrash>,
  names: readonly string[],
): ReadonlyMap<string, ServerCrash> {
  if (!names.some((name) => crashes.has(name))) return crashes;
  const next = new Map(crashes);
  for (const name of names) next.delete(name);
  return next;
}

function sortServers(servers: Iterable<ServerInfo>): ServerInfo[] {
  return [...servers].sort((a, b) => Number(b.bundled) - Number(a.bundled) || a.name.localeCompare(b.name));
}

export function applyEvent(state: MonitorState, event: HubEvent, now = Date.now()): MonitorState {
  if (event.type === 'snapshot') {
    const tasks = new Map<string, TaskSummary>();
    for (const task of event.tasks) if (supersedes(tasks.get(task.id), task)) tasks.set(task.id, task);
    return {
      loaded: true,
      servers: sortServers(event.servers),
      tasks,
      order: [...tasks.keys()].sort(newerFirst(tasks)),
      roots: event.roots,
      crashes: recordCrashes(state.crashes, event.servers, now),
      notices: addNotices([], event.notices ?? [], state.dismissedNotices),
      dismissedNotices: state.dismissedNotices,
      version: state.version + 1,
    };
  }

  let tasks: Map<string, TaskSummary> | undefined;
  const added: string[] = [];
  for (const task of event.tasks) {
    const current = (tasks ?? state.tasks).get(task.id);
    if (!supersedes(current, task)) continue;
    tasks ??= new Map(state.tasks);
    tasks.set(task.id, task);
    if (!current) added.push(task.id);
  }

  let servers: ServerInfo[] | undefined;
  const removed = event.removedServers ?? [];
  if (event.servers.length > 0 || removed.length > 0) {
    const byName = new Map(state.servers.map((server) => [server.name, server]));
    for (const name of removed) byName.delete(name);
    for (const server of event.servers) byName.set(server.name, server);
    servers = sortServers(byName.values());
  }
  const roots = event.roots;
  const notices = addNotices(state.notices, event.notices ?? [], state.dismissedNotices);
  if (!tasks && !servers && !roots && notices === state.notices) return state;

  let order = state.order;
  if (tasks && added.length > 0) {
    const compare = newerFirst(tasks);
    added.sort(compare);
    // New tasks are nearly always the newest: merge the sorted additions instead of resorting all.
    const merged: string[] = [];
    let i = 0;
    for (const id of state.order) {
      while (i < added.length && compare(added[i] as string, id) < 0) merged.push(added[i++] as string);
      merged.push(id);
    }
    while (i < added.length) merged.push(added[i++] as string);
    order = merged;
  }
  return {
    loaded: state.loaded,
    servers: servers ?? state.servers,
    tasks: tasks ?? state.tasks,
    order,
    roots: roots ?? state.roots,
    crashes: servers ? recordCrashes(forget(state.crashes, removed), event.servers, now) : state.crashes,
    notices,
    dismissedNotices: state.dismissedNotices,
    version: state.version + 1,
  };
}
