/**
 * The API contract between the host (Electron main process, later the web host)
 * and the UI. Single source of truth: channel names, payload schemas and the
 * TypeScript shape of `window.taskdeck`. Both sides validate with these schemas.
 *
 * Later versions add commands to `commands` and an event subscription.
 */
import { z } from 'zod';

/** Name of the global the preload script exposes in the renderer: `window.taskdeck`. */
export const API_GLOBAL = 'taskdeck';

const PlatformSchema = z.enum([
  'aix',
  'android',
  'cygwin',
  'darwin',
  'freebsd',
  'haiku',
  'linux',
  'netbsd',
  'openbsd',
  'sunos',
  'win32',
]);

export const AppInfoSchema = z
  .object({
    version: z.string().min(1).max(64),
    platform: PlatformSchema,
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfoSchema>;

/* ---------------------------------------------------------------- hub state */

export const ServerStatusSchema = z.enum(['starting', 'ready', 'crashed', 'stopped']);
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

const JsonObjectSchema = z.record(z.string(), z.unknown());

export const ToolInfoSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: JsonObjectSchema,
  outputSchema: JsonObjectSchema.optional(),
  taskSupport: z.enum(['forbidden', 'optional', 'required']),
});
export type ToolInfo = z.infer<typeof ToolInfoSchema>;

export const ServerInfoSchema = z.object({
  name: z.string(),
  bundled: z.boolean(),
  status: ServerStatusSchema,
  pid: z.number().int().optional(),
  startedAt: z.number().optional(),
  restarts: z.number().int(),
  tools: z.array(ToolInfoSchema),
  /** The last lines the server wrote on stderr. */
  stderrTail: z.array(z.string()),
  /** Why it is not ready: crash reason, start or configuration error. */
  error: z.string().optional(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

/**
 * MCP task states, plus `interrupted`: the hub stopped (crash, quit) while the task ran,
 * so its end is unknown.
 */
export const TaskStatusSchema = z.enum([
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
  'interrupted',
]);

export const InputRequestSchema = z.object({
  message: z.string(),
  /** The elicitation's requestedSchema: a flat object of primitive properties. */
  requestedSchema: JsonObjectSchema,
});
export type InputRequest = z.infer<typeof InputRequestSchema>;

/** One tool call the user started, as a task or as a plain call: the UI sees one kind of record. */
export const TaskSummarySchema = z.object({
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  mode: z.enum(['task', 'plain']),
  mcpTaskId: z.string().optional(),
  status: TaskStatusSchema,
  statusMessage: z.string().optional(),
  progress: z.number().optional(),
  total: z.number().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
  /** Pending input request (status input_required). */
  input: InputRequestSchema.optional(),
  /** Error text of a failed task. */
  error: z.string().optional(),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

export const TaskLogLineSchema = z.object({ at: z.number(), level: z.string(), message: z.string() });
export type TaskLogLine = z.infer<typeof TaskLogLineSchema>;

export const ToolResultSchema = z.object({
  content: z.array(z.unknown()),
  structuredContent: JsonObjectSchema.optional(),
  isError: z.boolean().optional(),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

export const TaskDetailSchema = TaskSummarySchema.extend({
  arguments: JsonObjectSchema,
  timeline: z.array(z.object({ status: TaskStatusSchema, at: z.number(), message: z.string().optional() })),
  logs: z.array(TaskLogLineSchema),
  result: ToolResultSchema.optional(),
});
export type TaskDetail = z.infer<typeof TaskDetailSchema>;

/** What subscribers receive: a snapshot first, then batches of changed records only. */
export const HubEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    servers: z.array(ServerInfoSchema),
    tasks: z.array(TaskSummarySchema),
    roots: z.array(z.string()),
  }),
  z.object({
    type: z.literal('batch'),
    servers: z.array(ServerInfoSchema),
    tasks: z.array(TaskSummarySchema),
    logs: z.array(z.object({ taskId: z.string(), lines: z.array(TaskLogLineSchema) })),
    roots: z.array(z.string()).optional(),
  }),
]);
export type HubEvent = z.infer<typeof HubEventSchema>;

export const StartToolSchema = z.object({
  server: z.string().min(1),
  tool: z.string().min(1),
  arguments: JsonObjectSchema,
});
export type StartTool = z.infer<typeof StartToolSchema>;

export const InputResponseSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('accept'),
    content: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  }),
  z.object({ action: z.literal('decline') }),
  z.object({ action: z.literal('cancel') }),
]);
export type InputResponse = z.infer<typeof InputResponseSchema>;

/** One request/response command: IPC channel, schema of the arguments tuple and of the result. */
export interface CommandSpec<Args extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  readonly channel: string;
  readonly args: Args;
  readonly result: Result;
}

export const commands = {
  appInfo: {
    channel: 'app:info',
    args: z.tuple([]),
    result: AppInfoSchema,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof commands;
export type CommandArgs<N extends CommandName> = z.infer<(typeof commands)[N]['args']>;
export type CommandResult<N extends CommandName> = z.infer<(typeof commands)[N]['result']>;

/** What the preload exposes as `window.taskdeck`. Narrow on purpose: one method per command. */
export interface TaskdeckApi {
  appInfo(): Promise<AppInfo>;
}
