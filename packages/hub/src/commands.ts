import type { CommandSpec, commands } from '@taskdeck/contract';
import type { z } from 'zod';
import type { HubApi } from './hub-api';

/** Implementation of one command: receives the validated arguments tuple. */
export type Handler<S extends CommandSpec> = (
  ...args: z.output<S['args']> & unknown[]
) => Promise<z.input<S['result']>> | z.input<S['result']>;
export type Handlers<Group extends Record<string, CommandSpec>> = {
  [Name in keyof Group]: Handler<Group[Name]>;
};

/** The contract's commands the hub answers (the host answers appInfo and subscribe). */
export type HubCommands = Omit<typeof commands, 'appInfo' | 'subscribe'>;

/** The commands every host forwards to the hub unchanged (appInfo and subscribe are per host). */
export function hubHandlers(hub: HubApi): Handlers<HubCommands> {
  return {
    startTool: (request) => hub.startTool(request),
    cancelTask: async (taskId) => {
      await hub.cancelTask(taskId);
      return null;
    },
    respondToInput: async (taskId, response) => {
      await hub.respondToInput(taskId, response);
      return null;
    },
    getTask: (taskId) => hub.getTask(taskId) ?? null,
    listTasks: () => hub.listTasks(),
    startServer: async (name) => {
      await hub.startServer(name);
      return null;
    },
    stopServer: async (name) => {
      await hub.stopServer(name);
      return null;
    },
    restartServer: async (name) => {
      await hub.restartServer(name);
      return null;
    },
    addServer: async (request) => {
      await hub.addServer(request);
      return null;
    },
    removeServer: async (name) => {
      await hub.removeServer(name);
      return null;
    },
    signIn: (name) => hub.signIn(name),
    signOut: async (name) => {
      await hub.signOut(name);
      return null;
    },
    grantRoots: (paths) => hub.grantRoots(paths),
    revokeRoot: (path) => hub.revokeRoot(path),
    roots: () => hub.roots(),
    servers: () => hub.servers(),
  };
}

/**
 * Validates a raw call against its spec, runs it and validates the result: the one path
 * every incoming command takes in every host. Throws an Error with a readable message.
 */
export async function runCommand<S extends CommandSpec>(
  spec: S,
  handler: Handler<S>,
  rawArgs: unknown,
): Promise<z.output<S['result']>> {
  const args = spec.args.safeParse(rawArgs);
  if (!args.success) throw new Error(`${spec.channel}: invalid arguments: ${prettyIssues(args.error)}`);
  return spec.result.parse(await handler(...(args.data as z.output<S['args']> & unknown[]))) as z.output<
    S['result']
  >;
}

function prettyIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}
