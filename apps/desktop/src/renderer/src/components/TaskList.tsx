import { useCallback, useMemo } from 'react';
import { perf } from '../lib/perf';
import { useNow } from '../lib/use-now';
import { pickAndProfileCsv, pickAndScanFolder } from '../state/actions';
import { useStore } from '../state/store';
import { filterTasks, STATUS_FILTERS, type StatusFilter } from '../state/task-filter';
import { TASK_ROW_HEIGHT, TaskRow } from './TaskRow';
import { Button } from './ui';
import { VirtualList } from './VirtualList';

function FilterBar({ shown, total }: { shown: number; total: number }) {
  const filter = useStore((s) => s.filter);
  const servers = useStore((s) => s.monitor.servers);
  const setFilter = useStore((s) => s.setFilter);
  const control =
    'rounded-md border border-neutral-300 bg-white px-2 py-1 text-sm dark:border-neutral-700 dark:bg-neutral-900 focus-visible:outline-2 focus-visible:outline-sky-500';
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-neutral-200 px-4 py-2 dark:border-neutral-800">
      <input
        type="search"
        aria-label="Search tasks"
        placeholder="Search tool, message, id…"
        value={filter.text}
        onChange={(event) => setFilter({ text: event.target.value })}
        className={`${control} min-w-40 flex-1`}
      />
      <select
        aria-label="Filter by status"
        value={filter.status}
        onChange={(event) => setFilter({ status: event.target.value as StatusFilter })}
        className={control}
      >
        {STATUS_FILTERS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Filter by server"
        value={filter.server ?? ''}
        onChange={(event) => setFilter({ server: event.target.value || null })}
        className={control}
      >
        <option value="">All servers</option>
        {servers.map((server) => (
          <option key={server.name} value={server.name}>
            {server.name}
          </option>
        ))}
      </select>
      <span className="text-xs tabular-nums text-neutral-500 dark:text-neutral-400" data-testid="task-count">
        {shown === total ? `${total} tasks` : `${shown} of ${total} tasks`}
      </span>
    </div>
  );
}

function EmptyTasks({ filtered }: { filtered: boolean }) {
  const openDialog = useStore((s) => s.openDialog);
  const setFilter = useStore((s) => s.setFilter);
  if (filtered) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 p-8 text-center text-sm text-neutral-500 dark:text-neutral-400">
        <p>No task matches these filters.</p>
        <Button onClick={() => setFilter({ status: 'all', server: null, text: '' })}>Clear filters</Button>
      </div>
    );
  }
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-8 text-center">
      <p className="text-base font-medium">No tasks yet</p>
      <p className="max-w-sm text-sm text-neutral-500 dark:text-neutral-400">
        Drop a CSV file anywhere on this window to profile it, scan a project folder, or start any tool of a
        running server.
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button onClick={() => void pickAndProfileCsv()}>Profile a CSV…</Button>
        <Button onClick={() => void pickAndScanFolder()}>Scan a folder…</Button>
        <Button variant="primary" onClick={() => openDialog({ kind: 'launcher' })}>
          New task…
        </Button>
      </div>
    </div>
  );
}

export function TaskList() {
  const monitor = useStore((s) => s.monitor);
  const filter = useStore((s) => s.filter);
  const selectedTaskId = useStore((s) => s.selectedTaskId);
  const select = useStore((s) => s.select);
  const now = useNow(1000);
  const ids = useMemo(
    () => filterTasks(monitor.order, monitor.tasks, filter),
    [monitor.order, monitor.tasks, filter],
  );

  const renderRow = useCallback(
    (id: string) => {
      const task = monitor.tasks.get(id);
      return task ? (
        <TaskRow task={task} selected={id === selectedTaskId} now={now} onSelect={select} />
      ) : null;
    },
    [monitor.tasks, selectedTaskId, now, select],
  );

  return (
    <div className="flex h-full min-h-0 flex-col">
      <FilterBar shown={ids.length} total={monitor.order.length} />
      <div className="min-h-0 flex-1">
        {!monitor.loaded ? (
          <p className="p-8 text-center text-sm text-neutral-500" role="status">
            Loading tasks…
          </p>
        ) : ids.length === 0 ? (
          <EmptyTasks filtered={monitor.order.length > 0} />
        ) : (
          <VirtualList
            ids={ids}
            rowHeight={TASK_ROW_HEIGHT}
            renderRow={renderRow}
            label="Tasks"
            selectedId={selectedTaskId}
            onMove={select}
            overscan={perf.windowingOff ? Number.POSITIVE_INFINITY : undefined}
          />
        )}
      </div>
    </div>
  );
}
