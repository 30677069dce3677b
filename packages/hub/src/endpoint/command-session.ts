import {
  type CommandSpec,
  commands,
  type HubEvent,
  type SocketReply,
  SocketRequestSchema,
} from '@taskdeck/contract';
import { type Handler, type Handlers, type HubCommands, hubHandlers, runCommand } from '../commands.js';
import type { HubApi } from '../hub-api.js';

type HostCommands = Pick<typeof commands, 'appInfo'>;

/** Deeper arguments than any form produces; a bound keeps recursive code downstream safe. */
const MAX_ARGUMENT_DEPTH = 64;

export interface SessionOptions<Extra extends Record<string, CommandSpec>> {
  hub: HubApi;
  /**
   * The host's own commands (appInfo, and e.g. the web host's path completion), and any hub
   * command the host wraps (the web host deletes an upload when its grant is revoked).
   */
  handlers: Handlers<HostCommands> & Handlers<Extra> & Partial<Handlers<HubCommands>>;
  extraCommands: Extra;
  /** Sends one reply or event; returns false when the peer is too far behind to take more. */
  send(reply: SocketReply): boolean;
  /** Ends the connection (a malformed request, a peer too slow for its events). */
  close(code: number, reason: string): void;
}

interface Route {
  spec: CommandSpec;
  handler: Handler<CommandSpec>;
}

/**
 * One client connection to the hub over a socket (the web host's WebSocket, the local
 * endpoint): requests `{ id, channel, args }` validated against the contract and answered
 * `{ id, ok, result | error }`, and pushed `{ event }` messages once the client subscribes.
 * The framing is the caller's; nothing a client sends can throw out of here.
 */
export class CommandSession<Extra extends Record<string, CommandSpec> = Record<string, never>> {
  private readonly routes = new Map<string, Route>();
  private unsubscribe: (() => void) | undefined;
  private ended = false;

  constructor(private readonly options: SessionOptions<Extra>) {
    const handlers = {
      ...hubHandlers(options.hub),
      ...options.handlers,
      subscribe: () => {
        this.subscribe();
        return null;
      },
    } as Record<string, Handler<CommandSpec>>;
    for (const [name, spec] of Object.entries({ ...commands, ...options.extraCommands })) {
      const handler = handlers[name];
      if (handler) this.routes.set(spec.channel, { spec, handler });
    }
  }

  /** One parsed message from the client (anything: it is validated here). */
  receive(raw: unknown): void {
    if (this.ended) return;
    const request = SocketRequestSchema.safeParse(raw);
    if (!request.success) {
      // No usable id to answer: the client is broken or hostile.
      this.options.close(1008, 'Malformed request');
      return;
    }
    const { id, channel, args } = request.data;
    const route = this.routes.get(channel);
    if (!route) {
      this.send({ id, ok: false, error: `Unknown command ${channel}` });
      return;
    }
    if (nestsDeeperThan(args, MAX_ARGUMENT_DEPTH)) {
      this.send({
        id,
        ok: false,
        error: `${channel}: arguments nest deeper than ${MAX_ARGUMENT_DEPTH} levels`,
      });
      return;
    }
    runCommand(route.spec, route.handler, args).then(
      (result) => this.send({ id, ok: true, result }),
      (error: unknown) =>
        this.send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** The connection is gone: stop its event stream. */
  end(): void {
    this.ended = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** (Re)starts the event stream: a fresh snapshot first, then batches. */
  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.options.hub.subscribe((event: HubEvent) => {
      if (!this.send({ event })) this.options.close(1013, 'Client too slow; reconnect for a fresh snapshot');
    });
  }

  private send(reply: SocketReply): boolean {
    if (this.ended) return true;
    try {
      return this.options.send(reply);
    } catch (error) {
      // A result that does not serialize fails its request instead of the connection.
      if ('id' in reply && reply.ok)
        return this.send({
          id: reply.id,
          ok: false,
          error: `Cannot send the result: ${(error as Error).message}`,
        });
      // Otherwise the connection broke while sending; its close ends the session.
      return true;
    }
  }
}

/** Whether `value` nests objects and arrays deeper than `limit` (iterative: no stack to overflow). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
