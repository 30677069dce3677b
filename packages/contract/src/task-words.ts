/**
 * A task in the user's words, the same in the app, its notifications and the CLI: its title
 * (tasks from before titles existed get their tool's name in words), and its status message
 * without the protocol's own phrases.
 */
import type { TaskSummary } from './api';
import { humanize } from './task-title';

export function taskLabel(task: Pick<TaskSummary, 'title' | 'tool'>): string {
  return task.title ?? humanize(task.tool);
}

/** Messages the MCP SDK writes itself, as a user would say them. */
const PROTOCOL_PHRASES: Record<string, string> = {
  'Client cancelled task execution.': 'Cancelled at your request.',
};

/** The status message, or undefined when there is none. */
export function plainStatusMessage(task: Pick<TaskSummary, 'statusMessage'>): string | undefined {
  const message = task.statusMessage;
  return message === undefined ? undefined : (PROTOCOL_PHRASES[message.trim()] ?? message);
}
