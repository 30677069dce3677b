import { type TaskDetail, type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';
import { plainStatusMessage, taskLabel } from '@taskdeck/contract/task-words';
import { formatClock, formatDateTime, formatDuration } from '../lib/format';
import { elapsedMs, etaMs, fractionDone } from '../lib/progress';
import { describeUnrecognized } from '../lib/unrecognized';
import { useNow } from '../lib/use-now';
import { ResultView, resultText } from '../results/ResultView';
import { cancelTask } from '../state/actions';
import { isWaiting } from '../state/question-queue';
import { useStore } from '../state/store';
import { useTaskDetail } from '../state/use-task-detail';
import { ProgressBar } from './ProgressBar';
import { Button, ErrorText, ScrollingText, Section, StatusBadge } from './ui';

const LOG_TONE: Record<string, string> = {
  error: 'text-red-700 dark:text-red-300',
  critical: 'text-red-700 dark:text-red-300',
  warning: 'text-amber-700 dark:text-amber-300',
  warn: 'text-amber-700 dark:text-amber-300',
  debug: 'text-neutral-500',
};

function Arguments({ args }: { args: Record<string, unknown> }) {
  const entries = Object.entries(args);
  if (entries.length === 0)
    return <p className="text-xs text-neutral-600 dark:text-neutral-400">No arguments.</p>;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs" data-testid="task-arguments">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-neutral-600 dark:text-neutral-400">{name}</dt>
          <dd className="break-all font-mono">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Timeline({ detail }: { detail: TaskDetail }) {
  return (
    <ol className="space-y-1 text-xs" data-testid="task-timeline">
      {detail.timeline.map((entry, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows; position is identity.
        <li key={index} className="flex gap-2">
          <span className="w-20 shrink-0 tabular-nums text-neutral-600 dark:text-neutral-400">
            {formatClock(entry.at)}
          </span>
          <StatusBadge status={entry.status} unrecognizedStatus={entry.unrecognizedStatus} />
          {entry.message && <span className="min-w-0 break-words">{entry.message}</span>}
        </li>
      ))}
    </ol>
  );
}

function Logs({ detail }: { detail: TaskDetail }) {
  if (detail.logs.length === 0)
    return <p className="text-xs text-neutral-600 dark:text-neutral-400">No log messages.</p>;
  return (
    <ScrollingText
      testId="task-logs"
      className="max-h-64 rounded-md bg-neutral-100 p-2 font-mono text-[11px] leading-snug dark:bg-neutral-950"
    >
      {detail.logs.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: log lines only append.
        <div key={index} className={LOG_TONE[line.level] ?? ''}>
          {formatClock(line.at)} {line.level.padEnd(7)} {line.message}
        </div>
      ))}
    </ScrollingText>
  );
}

/** How the hub called the tool, for the technical details (the protocol's own words belong there). */
const MODE_LABELS: Record<TaskSummary['mode'], string> = {
  task: 'MCP task (tools/call with task)',
  plain: 'plain tools/call',
  unknown: 'unknown mode',
};

/** The protocol's side of the task, folded away: tool id, how it was called, ids, status timeline. */
function TechnicalDetails({ task, detail }: { task: TaskSummary; detail: TaskDetail }) {
  const rows: [string, string][] = [
    ['tool', `${task.server} / ${task.tool}`],
    ['called as', MODE_LABELS[task.mode]],
    ['task id', task.id],
    ...(task.mcpTaskId ? [['server task id', task.mcpTaskId] as [string, string]] : []),
    ['status', task.unrecognizedStatus ?? task.status],
  ];
  return (
    <details className="text-xs" data-testid="technical-details">
      <summary className="cursor-pointer select-none font-semibold uppercase tracking-wide text-neutral-600 dark:text-neutral-400">
        Technical details
      </summary>
      <div className="mt-2 space-y-3">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5">
          {rows.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-neutral-600 dark:text-neutral-400">{name}</dt>
              <dd className="break-all font-mono">{value}</dd>
            </div>
          ))}
        </dl>
        <Timeline detail={detail} />
      </div>
    </details>
  );
}

/** The title, status and times; only it ticks every second, not the result views below it. */
function Header({ task }: { task: TaskSummary }) {
  const now = useNow(1000);
  const running = !TERMINAL_TASK_STATUSES.has(task.status);
  const eta = etaMs(task, now);
  const unrecognized = describeUnrecognized(task);
  const fraction = running ? fractionDone(task) : undefined;
  return (
    <div className="space-y-2">
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <h2 className="break-words text-lg font-semibold" data-testid="detail-title">
            {taskLabel(task)}
          </h2>
          <p className="text-xs text-neutral-600 dark:text-neutral-400">
            {task.server} · started {formatDateTime(task.createdAt)}
          </p>
          {unrecognized && (
            <p className="text-xs text-violet-800 dark:text-violet-300" data-testid="detail-unrecognized">
              This task has an {unrecognized}; it is shown as it was saved.
            </p>
          )}
        </div>
        <StatusBadge status={task.status} unrecognizedStatus={task.unrecognizedStatus} />
        {running && (
          <Button small variant="danger" onClick={() => void cancelTask(task)}>
            Cancel
          </Button>
        )}
      </div>
      <ProgressBar task={task} label={`${taskLabel(task)} progress (detail)`} />
      <p className="flex gap-3 text-xs text-neutral-600 dark:text-neutral-400">
        <span className="min-w-0 flex-1 break-words" data-testid="detail-message">
          {task.error ? '' : (plainStatusMessage(task) ?? '')}
        </span>
        <span className="shrink-0 tabular-nums">
          {fraction !== undefined && `${Math.floor(fraction * 100)} % · `}
          {formatDuration(elapsedMs(task, now))}
          {eta !== undefined && ` · ETA ${formatDuration(eta)}`}
        </span>
      </p>
    </div>
  );
}

export function TaskDetailPane({ taskId }: { taskId: string }) {
  const task = useStore((s) => s.monitor.tasks.get(taskId));
  const select = useStore((s) => s.select);
  const waiting = useStore((s) => (task ? isWaiting(task, s.questions) : false));
  const openDialog = useStore((s) => s.openDialog);
  const detail = useTaskDetail(taskId, task);
  if (!task) {
    return (
      <div className="p-6 text-sm text-neutral-500">
        This task is no longer in the list.{' '}
        <Button small onClick={() => select(null)}>
          Close
        </Button>
      </div>
    );
  }
  return (
    <section
      aria-label="Task detail"
      data-testid="task-detail"
      data-status={task.status}
      className="flex h-full min-h-0 flex-col"
    >
      <div className="flex items-center justify-between border-b border-neutral-200 px-4 py-1.5 dark:border-neutral-800">
        <span className="text-xs font-semibold uppercase tracking-wide text-neutral-600 dark:text-neutral-400">
          Task
        </span>
        <Button small variant="ghost" onClick={() => select(null)} aria-label="Close task detail">
          ✕
        </Button>
      </div>
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto p-4">
        <Header task={task} />
        {waiting && (
          <div className="flex items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
            <p className="min-w-0 flex-1">Needs your answer: {task.input?.message}</p>
            <Button small variant="primary" onClick={() => openDialog({ kind: 'question', taskId: task.id })}>
              Answer…
            </Button>
          </div>
        )}
        {task.error && <ErrorText>{task.error}</ErrorText>}
        {detail.status === 'loading' && (
          <p role="status" className="text-sm text-neutral-500">
            Loading details…
          </p>
        )}
        {detail.status === 'error' && (
          <ErrorText>Could not load the task's details: {detail.message}</ErrorText>
        )}
        {detail.status === 'missing' && (
          <ErrorText>The hub no longer has the details of this task.</ErrorText>
        )}
        {detail.status === 'ready' && (
          <>
            {/* A failed task's error shows once, above: its result text would say it again. */}
            {detail.detail.result &&
              !(
                detail.detail.result.isError &&
                !detail.detail.result.structuredContent &&
                resultText(detail.detail.result) === task.error
              ) && (
                <Section title={detail.detail.result.isError ? 'What it did' : 'Result'}>
                  <ResultView tool={task.tool} result={detail.detail.result} error={task.error} />
                </Section>
              )}
            {!detail.detail.result && TERMINAL_TASK_STATUSES.has(task.status) && !task.error && (
              <p className="text-sm text-neutral-600 dark:text-neutral-400">
                This task ended without a result.
              </p>
            )}
            <Section title="Arguments">
              <Arguments args={detail.detail.arguments} />
            </Section>
            <Section title="Logs">
              <Logs detail={detail.detail} />
            </Section>
            <TechnicalDetails task={task} detail={detail.detail} />
          </>
        )}
      </div>
    </section>
  );
}
