import { isDeepStrictEqual } from 'node:util';
import { TaskDetailSchema, TaskStatusSchema, TaskSummarySchema } from '@taskdeck/contract';
import { z } from 'zod';
import type { TaskRecord } from '../tasks/task-record.js';

/**
 * One journal line ⇄ one task record. A line written by a newer Taskdeck may hold values
 * this version does not know (a status, a mode) and fields it does not read: the record
 * is still shown (status and mode `unknown`, the value as written beside them) and the
 * line is written back as it was read, so opening and compacting the journal loses nothing.
 */

/**
 * The record's shape with any string where this version expects one of its own values.
 * The `unrecognized*` fields are this version's own, never read from a line.
 */
const LenientRecord = TaskDetailSchema.omit({ unrecognizedStatus: true, unrecognizedMode: true }).extend({
  mode: z.string(),
  status: z.string(),
  timeline: z.array(z.object({ status: z.string(), at: z.number(), message: z.string().optional() })),
});

const KNOWN_FIELDS = Object.keys(LenientRecord.shape);
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The record a line holds, or undefined when it holds none (not UTF-8, not JSON, not a task record). */
export function parseJournalLine(line: Uint8Array): TaskRecord | undefined {
  let text: string;
  let json: unknown;
  try {
    text = decoder.decode(line);
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = LenientRecord.safeParse(json);
  if (!parsed.success) return undefined;
  const { mode, status, timeline, ...rest } = parsed.data;
  const record: TaskRecord = {
    ...rest,
    ...readMode(mode),
    ...readStatus(status),
    timeline: timeline.map(({ status, ...entry }) => ({ ...entry, ...readStatus(status) })),
  };
  // Written back as read when this version does not understand all of it: values it does not
  // know, or fields (at any depth) that writing the record would leave out.
  const understood =
    record.status !== 'unknown' &&
    record.mode !== 'unknown' &&
    record.timeline.every((entry) => entry.status !== 'unknown') &&
    isDeepStrictEqual(journalValue(record), json);
  if (!understood) record.journalText = text;
  return record;
}

/** The line that records `record` (without its newline). */
export function journalLine(record: TaskRecord): string {
  if (record.journalText === undefined) return JSON.stringify(journalValue(record));
  // Changed since it was read (a remote task followed again): its known fields are written anew.
  if ((JSON.parse(record.journalText) as { updatedAt?: unknown }).updatedAt !== record.updatedAt)
    rebaseJournalText(record);
  return record.journalText;
}

/**
 * After the hub changed a record that is written back as read (a running task ended as
 * interrupted): the known fields are written anew, the top-level fields this version does
 * not know stay as they were.
 */
export function rebaseJournalText(record: TaskRecord): void {
  if (record.journalText === undefined) return;
  const kept = JSON.parse(record.journalText) as Record<string, unknown>;
  for (const field of KNOWN_FIELDS) delete kept[field];
  record.journalText = JSON.stringify({ ...kept, ...journalValue(record) });
}

function readStatus(status: string): Pick<TaskRecord, 'status' | 'unrecognizedStatus'> {
  const known = TaskStatusSchema.safeParse(status);
  // `unknown` is this version's own word for "not understood": written by anyone, it is not a status.
  return known.success && status !== 'unknown'
    ? { status: known.data }
    : { status: 'unknown', unrecognizedStatus: status };
}

function readMode(mode: string): Pick<TaskRecord, 'mode' | 'unrecognizedMode'> {
  const known = TaskSummarySchema.shape.mode.safeParse(mode);
  return known.success && mode !== 'unknown'
    ? { mode: known.data }
    : { mode: 'unknown', unrecognizedMode: mode };
}

/** The JSON a record is written as: internal fields left out, unrecognized values as they were read. */
function journalValue(record: TaskRecord): Record<string, unknown> {
  const {
    serverUpdatedAt: _s,
    journalText: _j,
    unrecognizedStatus,
    unrecognizedMode,
    timeline,
    ...rest
  } = record;
  return {
    ...rest,
    ...(unrecognizedMode !== undefined && { mode: unrecognizedMode }),
    ...(unrecognizedStatus !== undefined && { status: unrecognizedStatus }),
    timeline: timeline.map(({ unrecognizedStatus: raw, ...entry }) =>
      raw === undefined ? entry : { ...entry, status: raw },
    ),
  };
}
