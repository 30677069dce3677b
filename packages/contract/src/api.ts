/**
 * The API contract between the hosts (Electron main process, web host)
 * and the UI. Single source of truth: channel names, payload schemas and the
 * TypeScript shape of `window.taskdeck`. Both sides validate with these schemas.
 *
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

/**
 * Which host runs the hub: decides native pickers versus typed paths and uploads in the UI
 * (`cli`: a hub the command line started because no app was running).
 */
export const HostKindSchema = z.enum(['electron', 'web', 'cli']);
export type HostKind = z.infer<typeof HostKindSchema>;

export const AppInfoSchema = z
  .object({
    version: z.string().min(1).max(64),
    platform: PlatformSchema,
    host: HostKindSchema,
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfoSchema>;

/* ---------------------------------------------------------------- hub state */

/**
 * `reconnecting`: a remote server's connection was lost and is being made again (its tasks
 * keep running there); `needs_sign_in`: a remote server answered 401 and waits for the user;
 * `idle`: stopped until its first use (its tools are known from the last run), it starts on a call.
 */
export const ServerStatusSchema = z.enum([
  'starting',
  'ready',
  'reconnecting',
  'needs_sign_in',
  'crashed',
  'stopped',
  'idle',
]);
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

/** How the hub reaches a server: a child's stdio, Streamable HTTP, or the legacy HTTP+SSE transport only. */
export const ServerTransportSchema = z.enum(['stdio', 'http', 'sse']);
export type ServerTransport = z.infer<typeof ServerTransportSchema>;

/**
 * A remote server's sign-in (OAuth 2.1): `pending` while the user is at the authorization
 * server in the browser. Absent for a server that never asked for one.
 */
export const ServerAuthSchema = z.object({
  state: z.enum(['signed_out', 'pending', 'signed_in']),
  /** The scopes the authorization server granted. */
  scopes: z.array(z.string()).optional(),
  /** The authorization server's origin. */
  authorizationServer: z.string().optional(),
  /** The server asked for more access than granted (step-up): signing in again asks for these too. */
  needsScopes: z.array(z.string()).optional(),
});
export type ServerAuth = z.infer<typeof ServerAuthSchema>;

export const ServerInfoSchema = z.object({
  name: z.string(),
  bundled: z.boolean(),
  /** Absent: stdio. */
  transport: ServerTransportSchema.optional(),
  /** A remote server's URL, without credentials, query or fragment. */
  url: z.string().optional(),
  status: ServerStatusSchema,
  pid: z.number().int().optional(),
  startedAt: z.number().optional(),
  restarts: z.number().int(),
  tools: z.array(ToolInfoSchema),
  /** The last lines the server wrote on stderr, and the hub's notes about its connection ("[taskdeck] …"). */
  stderrTail: z.array(z.string()),
  /** Why it is not ready: crash reason, start or configuration error. */
  error: z.string().optional(),
  /** The last crash, kept after an automatic restart so a window opened later still sees it. */
  lastCrash: z.object({ reason: z.string(), at: z.number() }).optional(),
  auth: ServerAuthSchema.optional(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

/**
 * MCP task states, plus `interrupted`: the hub stopped (crash, quit) while the task ran,
 * so its end is unknown; and `unknown`: the journal holds a status a newer Taskdeck wrote
 * (kept as written in `unrecognizedStatus`). Both are terminal: this hub never changes them.
 */
export const TaskStatusSchema = z.enum([
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
  'unknown',
]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
/** Every state but a running task's two: a status added above is terminal unless said here. */
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(
  TaskStatusSchema.exclude(['working', 'input_required']).options,
);

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
  /**
   * What the task is about ("Deploy billing 3.1.0 → staging"), derived by the hub when the task
   * starts from the tool's title and its telling arguments (task-title.ts). Absent in older history.
   */
  title: z.string().optional(),
  /** `unknown`: a mode a newer Taskdeck wrote (kept as written in `unrecognizedMode`). */
  mode: z.enum(['task', 'plain', 'unknown']),
  mcpTaskId: z.string().optional(),
  status: TaskStatusSchema,
  /** With status `unknown`: the status as the journal holds it. */
  unrecognizedStatus: z.string().optional(),
  /** With mode `unknown`: the mode as the journal holds it. */
  unrecognizedMode: z.string().optional(),
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
  /**
   * The task runs on a remote server whose connection is lost (or Taskdeck just started): why,
   * and since when. It is followed again by its id once the server is connected.
   */
  connectionLost: z.object({ reason: z.string(), since: z.number() }).optional(),
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
  timeline: z.array(
    z.object({
      status: TaskStatusSchema,
      at: z.number(),
      message: z.string().optional(),
      unrecognizedStatus: z.string().optional(),
    }),
  ),
  logs: z.array(TaskLogLineSchema),
  result: ToolResultSchema.optional(),
});
export type TaskDetail = z.infer<typeof TaskDetailSchema>;

/** Longest notice message: room for a few full paths; the hub cuts longer ones. */
export const MAX_NOTICE_LENGTH = 20_000;

/**
 * Something the user must know that belongs to no task or server: a damaged file moved
 * aside, history that could not be written. Shown until dismissed; printed on the hub's stderr.
 */
export const NoticeSchema = z.object({
  id: z.string().min(1).max(100),
  at: z.number(),
  level: z.enum(['warning', 'error']),
  message: z.string().max(MAX_NOTICE_LENGTH),
});
export type Notice = z.infer<typeof NoticeSchema>;

/**
 * A folder Taskdeck itself owns in its data dir. `granted`: the servers may always read it (what
 * the app writes for the user, such as generated samples); otherwise it only groups the grants
 * inside it (uploaded files) in the UI.
 */
export const AppFolderSchema = z.object({ path: z.string(), label: z.string(), granted: z.boolean() });
export type AppFolder = z.infer<typeof AppFolderSchema>;

/** What subscribers receive: a snapshot first, then batches of changed records only. */
export const HubEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    servers: z.array(ServerInfoSchema),
    tasks: z.array(TaskSummarySchema),
    roots: z.array(z.string()),
    /** Taskdeck's own folders (none when absent: an older hub). */
    appFolders: z.array(AppFolderSchema).optional(),
    /** Every notice of this hub so far (none when absent). */
    notices: z.array(NoticeSchema).optional(),
  }),
  z.object({
    type: z.literal('batch'),
    servers: z.array(ServerInfoSchema),
    tasks: z.array(TaskSummarySchema),
    logs: z.array(z.object({ taskId: z.string(), lines: z.array(TaskLogLineSchema) })),
    /** Servers the user removed since the last event. */
    removedServers: z.array(z.string()).optional(),
    roots: z.array(z.string()).optional(),
    /** Notices new since the last event. */
    notices: z.array(NoticeSchema).optional(),
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

/** A server's name in servers.json and in the UI. */
export const SERVER_NAME_PATTERN = /^[\w.@-]{1,64}$/;
/** An HTTP header name (an RFC 9110 token). */
export const HTTP_HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~\w-]+$/;

/** Header names and values a remote server gets with every request (values may use `${env:NAME}`). */
const HeadersSchema = z
  .record(
    z.string().min(1).max(200).regex(HTTP_HEADER_NAME_PATTERN, 'must be a valid HTTP header name'),
    z
      .string()
      .max(8192)
      .refine((value) => !/[\r\n\0]/.test(value), 'must not contain line breaks'),
  )
  .refine((headers) => Object.keys(headers).length <= 50, 'at most 50 headers');

/**
 * A remote server the user adds by URL (written to servers.json as `{ type, url, headers }`).
 * Only remote servers: a command to run is never taken from a client of the hub.
 */
export const AddRemoteServerSchema = z
  .object({
    name: z.string().regex(SERVER_NAME_PATTERN, 'must be 1-64 letters, digits, ".", "_", "@" or "-"'),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/\S+$/i, 'must be an http:// or https:// URL'),
    /** `sse`: the legacy HTTP+SSE transport only; default Streamable HTTP (falling back to it). */
    type: z.enum(['http', 'sse']).optional(),
    headers: HeadersSchema.optional(),
  })
  .strict();
export type AddRemoteServer = z.infer<typeof AddRemoteServerSchema>;

/* ---------------------------------------------------------------- commands */

/** One request/response command: channel, schema of the arguments tuple and of the result. */
export interface CommandSpec<Args extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  readonly channel: string;
  readonly args: Args;
  readonly result: Result;
}

const Name = z.string().min(1).max(200);
/** An absolute path as typed or picked: bounded, no NUL byte (the host resolves and checks it). */
export const PathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'must not contain a NUL byte');
const Done = z.null();

export const commands = {
  appInfo: { channel: 'app:info', args: z.tuple([]), result: AppInfoSchema },
  /** (Re)starts this window's event stream on EVENT_CHANNEL: a snapshot first, then batches. */
  subscribe: { channel: 'hub:subscribe', args: z.tuple([]), result: Done },
  startTool: {
    channel: 'hub:start-tool',
    args: z.tuple([StartToolSchema]),
    result: z.object({ taskId: z.string() }),
  },
  cancelTask: { channel: 'hub:cancel-task', args: z.tuple([Name]), result: Done },
  respondToInput: {
    channel: 'hub:respond-to-input',
    args: z.tuple([Name, InputResponseSchema]),
    result: Done,
  },
  getTask: { channel: 'hub:get-task', args: z.tuple([Name]), result: TaskDetailSchema.nullable() },
  listTasks: { channel: 'hub:list-tasks', args: z.tuple([]), result: z.array(TaskSummarySchema) },
  startServer: { channel: 'hub:start-server', args: z.tuple([Name]), result: Done },
  stopServer: { channel: 'hub:stop-server', args: z.tuple([Name]), result: Done },
  restartServer: { channel: 'hub:restart-server', args: z.tuple([Name]), result: Done },
  /** Adds a remote server to servers.json and starts it. */
  addServer: { channel: 'hub:add-server', args: z.tuple([AddRemoteServerSchema]), result: Done },
  /** Stops one of the user's servers and removes it from servers.json (bundled ones stay). */
  removeServer: { channel: 'hub:remove-server', args: z.tuple([Name]), result: Done },
  /**
   * Starts signing in to a remote server: resolves with the authorization server's page, which
   * the caller opens in the user's browser (the redirect back to Taskdeck finishes it).
   */
  signIn: {
    channel: 'hub:sign-in',
    args: z.tuple([Name]),
    result: z.object({ authorizationUrl: z.string().url() }),
  },
  /** Deletes a remote server's sign-in (revoked where the authorization server allows) and disconnects it. */
  signOut: { channel: 'hub:sign-out', args: z.tuple([Name]), result: Done },
  grantRoots: {
    channel: 'hub:grant-roots',
    args: z.tuple([z.array(PathSchema).min(1).max(100)]),
    result: z.array(z.string()),
  },
  revokeRoot: { channel: 'hub:revoke-root', args: z.tuple([PathSchema]), result: z.array(z.string()) },
  roots: { channel: 'hub:roots', args: z.tuple([]), result: z.array(z.string()) },
  servers: { channel: 'hub:servers', args: z.tuple([]), result: z.array(ServerInfoSchema) },
} as const satisfies Record<string, CommandSpec>;

/** Native pickers, Electron only. The main process grants what the user picked as MCP roots. */
export const electronCommands = {
  pickFolder: { channel: 'dialog:pick-folder', args: z.tuple([]), result: z.string().nullable() },
  pickFiles: {
    channel: 'dialog:pick-files',
    args: z.tuple([z.object({ extensions: z.array(z.string().regex(/^\w{1,16}$/)).max(20) }).strict()]),
    result: z.array(z.string()),
  },
} as const satisfies Record<string, CommandSpec>;

export const PathCompletionSchema = z.object({
  /** The typed path made absolute (`~` expanded), or null when it is not a usable path. */
  resolved: z.string().nullable(),
  /** The folder the completions are in (as typed, normalised), or null when the prefix names none. */
  directory: z.string().nullable(),
  entries: z.array(z.object({ path: z.string(), kind: z.enum(['directory', 'file']) })),
  /** More entries matched than were returned. */
  truncated: z.boolean(),
  /** Why nothing can be listed there (outside the allowed folders, not found…). */
  error: z.string().optional(),
});
export type PathCompletion = z.infer<typeof PathCompletionSchema>;

/** Typed-path completion, web host only (a browser has no native folder picker that yields paths). */
export const webCommands = {
  completePath: { channel: 'fs:complete-path', args: z.tuple([PathSchema]), result: PathCompletionSchema },
} as const satisfies Record<string, CommandSpec>;

/** Channel of pushed HubEvents (Electron IPC; the web host sends `{ event }` messages). */
export const EVENT_CHANNEL = 'hub:event';

export type CommandName = keyof typeof commands;
export type CommandArgs<N extends CommandName> = z.infer<(typeof commands)[N]['args']>;
export type CommandResult<N extends CommandName> = z.infer<(typeof commands)[N]['result']>;

/** One async method per command of a group, typed from its schemas. */
export type CommandMethods<Group extends Record<string, CommandSpec>> = {
  readonly [Name in keyof Group]: (
    ...args: z.input<Group[Name]['args']> & unknown[]
  ) => Promise<z.output<Group[Name]['result']>>;
};

/* ---------------------------------------------------------------- web host wire format */

/**
 * Largest WebSocket message the web host accepts (a bigger one closes the connection with
 * 1009); the web client refuses to send one with a readable error instead.
 */
export const MAX_SOCKET_MESSAGE_BYTES = 1024 * 1024;
/** WebSocket path of the web host's API. */
export const SOCKET_PATH = '/api';
/** Upload path: `POST /upload?name=<file name>`, the body is the file. */
export const UPLOAD_PATH = '/upload';
/** A file name longer than this (UTF-8 bytes) is shortened by the web client before it goes in the URL. */
export const MAX_UPLOAD_NAME_BYTES = 1024;

/*
 * How a page of the web host authenticates without the token ever leaving the host: the
 * page load with `?token=` gets a per-page session in a `<meta>` tag; the page keeps it in
 * sessionStorage (per tab and per port, never sent by the browser on its own) and presents
 * it as a WebSocket subprotocol and as a header on uploads. Other clients send
 * `Authorization: Bearer <token>`.
 */
/** The subprotocol the web host answers with. */
export const SOCKET_PROTOCOL = 'taskdeck';
/** The page offers `taskdeck.session.<session>` next to SOCKET_PROTOCOL. */
export const SESSION_PROTOCOL_PREFIX = 'taskdeck.session.';
/** Header carrying the page's session on uploads. */
export const SESSION_HEADER = 'X-Taskdeck-Session';
/** `<meta name=…>` in which a page load with the token receives its session. */
export const SESSION_META_NAME = 'taskdeck-session';
/** Close code for a page whose session the web host does not know (it restarted since). */
export const SESSION_REFUSED_CLOSE_CODE = 4401;

export const SocketRequestSchema = z
  .object({
    id: z.number().int().nonnegative(),
    channel: z.string().max(100),
    args: z.array(z.unknown()).max(10),
  })
  .strict();
export type SocketRequest = z.infer<typeof SocketRequestSchema>;

export const SocketReplySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
  z.object({ event: z.unknown() }),
]);
export type SocketReply = z.infer<typeof SocketReplySchema>;

export const UploadResultSchema = z.object({ path: z.string() });

/* ---------------------------------------------------------------- local endpoint */

/**
 * The hub's endpoint for its own clients on this machine (the CLI, tools): a Unix socket or a
 * Windows named pipe, speaking the same requests, replies and events as the web host's
 * WebSocket, one JSON value per line. Where it is and its token are in `<data dir>/endpoint.json`
 * (owner-only); the first line a client sends is a hello with that token.
 */
export const ENDPOINT_FILE = 'endpoint.json';
/** Largest line the hub accepts from a client (a request); replies and events may be larger. */
export const MAX_ENDPOINT_REQUEST_BYTES = MAX_SOCKET_MESSAGE_BYTES;
/** Largest line a client accepts from the hub (a task detail with its result). */
export const MAX_ENDPOINT_REPLY_BYTES = 256 * 1024 * 1024;

export const EndpointFileSchema = z.object({
  format: z.literal(1),
  /** Socket path or `\\.\pipe\…` name. */
  path: z.string().min(1),
  token: z.string().min(32),
  pid: z.number().int().positive(),
  host: HostKindSchema,
  version: z.string(),
});
export type EndpointFile = z.infer<typeof EndpointFileSchema>;

export const EndpointHelloSchema = z
  .object({ hello: z.object({ token: z.string(), client: z.string().max(200) }) })
  .strict();
export const EndpointWelcomeSchema = z.union([
  z.object({ welcome: AppInfoSchema }),
  z.object({ refused: z.string() }),
]);

/* ---------------------------------------------------------------- window.taskdeck */

/** The web client loses its socket now and then; Electron's IPC is always `open`. */
export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'closed'; reason: string; retryInMs: number }
  /** The web host does not accept this page (no session, or one from before a restart): no retry. */
  | { state: 'refused'; reason: string };

/** What the UI talks to: the preload in Electron, a WebSocket client in the web build. */
export interface TaskdeckApi extends CommandMethods<typeof commands> {
  readonly host: HostKind;
  /** Starts the event stream (snapshot first, then batches); returns the unsubscribe function. */
  onEvent(listener: (event: HubEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /**
   * Turns a file dropped on the window into a path the servers may read (granted as a root):
   * Electron resolves the local path, the web build uploads the file to the web host.
   */
  importFile(file: File, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<string>;
  readonly electron?: CommandMethods<typeof electronCommands>;
  readonly web?: CommandMethods<typeof webCommands>;
}
