import type { InputRequest, TaskLogLine, ToolResult } from '@taskdeck/contract';

/** How a tool call ends. `interrupted`: Taskdeck stopped while it ran, so its end is unknown. */
export type EndStatus = 'completed' | 'failed' | 'cancelled' | 'interrupted';

/**
 * What a protocol adapter reports about one tool call, whatever the protocol era or
 * transport: the task book turns these into state. `remoteTime` is the server's own clock
 * for the state (a Task's `lastUpdatedAt`), so an answer older than what was applied is
 * recognised and ignored.
 */
export type TaskEvent =
  /** The server created the task and named it. */
  | { type: 'accepted'; remoteTaskId: string }
  /** A non-terminal state (status notification, tasks/get answer). */
  | { type: 'status'; status: 'working' | 'input_required'; message?: string; remoteTime?: number }
  | { type: 'progress'; progress: number; total?: number; message?: string }
  /** The server asks the user something (or the question was withdrawn: `undefined`). */
  | { type: 'input'; request: InputRequest | undefined }
  | { type: 'log'; line: TaskLogLine }
  /** The task runs on a remote server that cannot be reached now; it is followed again by id later. */
  | { type: 'detached'; reason: string }
  /** The server is connected again: the task is being followed. */
  | { type: 'attached' }
  /** The end, or a result that arrives after the end was already known. */
  | {
      type: 'ended';
      status: EndStatus;
      result?: ToolResult;
      error?: string;
      message?: string;
      remoteTime?: number;
    };

/** What an applied event changed, for subscribers and the journal; undefined: nothing. */
export type ChangeKind = 'created' | 'status' | 'progress' | 'input' | 'result' | 'log';
