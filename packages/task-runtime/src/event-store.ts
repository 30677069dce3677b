import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

interface StoredEvent {
  streamId: StreamId;
  message: JSONRPCMessage;
  bytes: number;
}

export interface EventStoreLimits {
  /** Events kept at most. */
  maxEvents: number;
  /** Serialized bytes kept at most (the newest event is kept whatever its size). */
  maxBytes: number;
}

const DEFAULT_LIMITS: EventStoreLimits = { maxEvents: 1000, maxBytes: 4 * 1024 * 1024 };

/**
 * One HTTP session's SSE events, kept so that a client whose stream dropped can
 * reconnect with `Last-Event-ID` and get what it missed (the SDK's transport stores
 * every event it sends, also while no stream is open). Bounded: beyond the limits the
 * oldest events go first, and resuming after an event that is gone is refused (the SDK
 * answers 400); the client then reads its tasks' state with tasks/get.
 */
export class BoundedEventStore implements EventStore {
  /** In the order they were stored (a Map iterates in insertion order). */
  private readonly events = new Map<EventId, StoredEvent>();
  private bytes = 0;
  private nextId = 1;
  private readonly limits: EventStoreLimits;

  constructor(limits: Partial<EventStoreLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = String(this.nextId++);
    const bytes = JSON.stringify(message).length;
    this.events.set(id, { streamId, message, bytes });
    this.bytes += bytes;
    while (
      this.events.size > 1 &&
      (this.events.size > this.limits.maxEvents || this.bytes > this.limits.maxBytes)
    ) {
      const [oldest, event] = this.events.entries().next().value as [EventId, StoredEvent];
      this.events.delete(oldest);
      this.bytes -= event.bytes;
    }
    return id;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.events.get(lastEventId);
    if (!last) throw new Error(`Event ${lastEventId} is not known (any more)`);
    let after = false;
    for (const [id, event] of this.events) {
      if (event === last) after = true;
      else if (after && event.streamId === last.streamId && isMessage(event.message))
        await send(id, event.message);
    }
    return last.streamId;
  }

  get size(): number {
    return this.events.size;
  }
}

/** The transport's priming events (an id and empty data) are stored as `{}`: not a message to replay. */
function isMessage(message: JSONRPCMessage): boolean {
  return 'jsonrpc' in message;
}
