import { useCallback, useMemo, useState } from 'react';
import { plural } from '../lib/format';
import { perf } from '../lib/perf';
import { useNow } from '../lib/use-now';
import { pickAndProfileCsv, pickAndScanFolder } from '../state/actions';
import { isWaiting } from '../state/question-queue';
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
    <div className="flex items-center gap-2 border-b border-neutral-200 px-3 py-1.5 dark:border-neutral-800">
      <input
        type="search"
        aria-label="Search tasks"
        aria-keyshortcuts="/"
        data-search
        placeholder="Search tasks, files, messages…"
        value={filter.text}
        onChange={(event) => setFilter({ text: event.target.value })}
        onKeyDown={(event) => {
          // Esc empties the search, then leaves it for the list.
          if (event.key !== 'Escape') return;
          if (filter.text) setFilter({ text: '' });
          else document.querySelector<HTMLElement>('[data-list]')?.focus();
        }}
        className={`${control} w-0 min-w-24 flex-1`}
      />
      <select
        aria-label="Filter by status"
        value={filter.status}
        onChange={(event) => setFilter({ status: event.target.value as StatusFilter })}
        className={`${control} w-32 shrink-0`}
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
        className={`${control} w-28 shrink-0`}
      >
        <option value="">All servers</option>
        {servers.map((server) => (
          <option key={server.name} value={server.name}>
            {server.name}
          </option>
        ))}
      </select>
      <span
        className="hidden shrink-0 text-xs tabular-nums text-neutral-600 xl:inline dark:text-neutral-400"
        data-testid="task-count"
      >
        {shown === total ? plural(total, 'task') : `${shown} of ${plural(total, 'task')}`}
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
      <p className="max-w-sm text-sm text-neutral-600 dark:text-neutral-400">
        Drop a CSV file anywhere on this window to profile it, scan a project folder, or start any tool of a
        running server. Press <kbd className="font-mono">?</kbd> for keyboard shortcuts.
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
  const questions = useStore((s) => s.questions);
  const openDialog = useStore((s) => s.openDialog);
  const setListScrollTop = useStore((s) => s.setListScrollTop);
  // Read once: where the list was before a reload.
  const [initialScrollTop] = useState(() => useStore.getState().listScrollTop);
  const now = useNow(1000);
  const answer = useCallback((taskId: string) => openDialog({ kind: 'question', taskId }), [openDialog]);
  const ids = useMemo(
    () => filterTasks(monitor.order, monitor.tasks, filter),
    [monitor.order, monitor.tasks, filter],
  );

  const renderRow = useCallback(
    (id: string) => {
      const task = monitor.tasks.get(id);
      return task ? (
        <TaskRow
          task={task}
          selected={id === selectedTaskId}
          now={now}
          waiting={isWaiting(task, questions)}
          onSelect={select}
          onAnswer={answer}
        />
      ) : null;
    },
    [monitor.tasks, selectedTaskId, now, select, questions, answer],
  );

  return (
    <div className="@container flex h-full min-h-0 flex-col">
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
            initialScrollTop={initialScrollTop}
            onScrollSettled={setListScrollTop}
            overscan={perf.windowingOff ? Number.POSITIVE_INFINITY : undefined}
          />
        )}
      </div>
    </div>
  );
}
