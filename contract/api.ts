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
