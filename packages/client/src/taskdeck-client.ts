import {
  type CommandMethods,
  type CommandSpec,
  type ConnectionState,
  commands,
  type HubEvent,
  HubEventSchema,
} from '@taskdeck/contract';
import { consoleWarn, Listeners, type Transport, type Warn } from './transport.js';

export type { Transport } from './transport.js';

/** The contract's commands and events, whatever the transport. */
export interface TaskdeckClient extends CommandMethods<typeof commands> {
  /** Starts the event stream (a snapshot first, then batches); returns the unsubscribe function. */
  onEvent(listener: (event: HubEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export interface ClientOptions {
  /** Where reports about malformed messages and failing listeners go (default: console.error). */
  warn?: Warn;
}

/**
 * One async method per command of a group: arguments go out as given (the hub validates
 * them), results come back validated against the contract, so a caller never sees a shape
 * the contract does not allow.
 */
export function commandMethods<Group extends Record<string, CommandSpec>>(
  transport: Transport,
  group: Group,
): CommandMethods<Group> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, spec] of Object.entries(group)) {
    methods[name] = async (...args) => {
      const result = spec.result.safeParse(await transport.request(spec.channel, args));
      if (!result.success) throw new Error(`${spec.channel}: the hub answered with an unexpected shape`);
      return result.data;
    };
  }
  return methods as unknown as CommandMethods<Group>;
}

/**
 * A client of the hub: the one way every interface (the window, the browser page, the CLI)
 * talks to it. Events are validated; the subscription is (re)started whenever the
 * connection opens while someone listens, so a reconnect starts from a fresh snapshot.
 */
export function createTaskdeckClient(transport: Transport, options: ClientOptions = {}): TaskdeckClient {
  const warn = options.warn ?? consoleWarn;
  const methods = commandMethods(transport, commands);
  const events = new Listeners<HubEvent>(warn);
  let open = false;

  const subscribe = () => {
    methods.subscribe().catch((error: unknown) => warn(`subscribe failed: ${(error as Error).message}`));
  };
  transport.onEvent((raw) => {
    const event = HubEventSchema.safeParse(raw);
    if (event.success) events.emit(event.data);
    else warn(`dropped a malformed hub event: ${event.error.message}`);
  });
  transport.onConnection((state) => {
    const wasOpen = open;
    open = state.state === 'open';
    if (open && !wasOpen && events.size > 0) subscribe();
  });

  return {
    ...methods,
    onEvent(listener) {
      const remove = events.add(listener);
      if (open) subscribe();
      return remove;
    },
    onConnection: (listener) => transport.onConnection(listener),
    close: () => transport.close(),
  };
}
