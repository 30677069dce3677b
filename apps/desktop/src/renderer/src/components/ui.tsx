/** Small shared building blocks: buttons and status colours, one look across the app. */

import type { ServerStatus, TaskStatus } from '@taskdeck/contract';
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { describeUnrecognized } from '../lib/unrecognized';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-sky-600 text-white hover:bg-sky-700 disabled:bg-sky-600/50',
  secondary:
    'border border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-100 dark:border-neutral-700 dark:bg-neutral-900 dark:text-neutral-100 dark:hover:bg-neutral-800',
  danger:
    'border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-800 dark:bg-neutral-900 dark:text-red-300 dark:hover:bg-red-950',
  ghost: 'text-neutral-600 hover:bg-neutral-100 dark:text-neutral-300 dark:hover:bg-neutral-800',
};

export function Button({
  variant = 'secondary',
  small = false,
  className = '',
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; small?: boolean }) {
  return (
    <button
      type={type}
      className={`${small ? 'px-2 py-0.5 text-xs' : 'px-3 py-1.5 text-sm'} inline-flex items-center gap-1 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:opacity-60 ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}

const TASK_COLORS: Record<TaskStatus, string> = {
  working: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  input_required: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300',
  completed: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  failed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  cancelled: 'bg-neutral-200 text-neutral-700 dark:bg-neutral-800 dark:text-neutral-300',
  interrupted: 'bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-300',
  unknown: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300',
};

const TASK_LABELS: Record<TaskStatus, string> = {
  working: 'working',
  input_required: 'needs input',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  unknown: 'unknown',
};

const SERVER_COLORS: Record<ServerStatus, string> = {
  starting: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  ready: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  reconnecting: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  needs_sign_in: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300',
  crashed: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  stopped: 'bg-neutral-200 text-neutral-700 dark:bg-neutral-800 dark:text-neutral-300',
  idle: 'bg-neutral-100 text-neutral-600 dark:bg-neutral-900 dark:text-neutral-400',
};

function Badge({
  className,
  children,
  testId,
  title,
}: {
  className: string;
  children: ReactNode;
  testId?: string;
  title?: string;
}) {
  return (
    <span
      data-testid={testId}
      title={title}
      className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium ${className}`}
    >
      {children}
    </span>
  );
}

/** `unrecognizedStatus`: the status as a newer Taskdeck wrote it (status `unknown`), shown on hover. */
export function StatusBadge({
  status,
  unrecognizedStatus,
}: {
  status: TaskStatus;
  unrecognizedStatus?: string;
}) {
  return (
    <Badge
      className={TASK_COLORS[status]}
      testId="task-status"
      title={describeUnrecognized({ unrecognizedStatus })}
    >
      {TASK_LABELS[status]}
    </Badge>
  );
}

const SERVER_LABELS: Partial<Record<ServerStatus, string>> = { needs_sign_in: 'needs sign-in' };

export function ServerBadge({ status }: { status: ServerStatus }) {
  return (
    <Badge
      className={SERVER_COLORS[status]}
      testId="server-status"
      title={status === 'idle' ? 'Not running; starts on first use' : undefined}
    >
      {SERVER_LABELS[status] ?? status}
    </Badge>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="space-y-2" aria-label={title}>
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
          {title}
        </h3>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function ErrorText({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
    >
      {children}
    </p>
  );
}
