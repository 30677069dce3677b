/** Short human durations: "850 ms", "12 s", "3 m 05 s", "2 h 07 m". */
export function formatDuration(raw: number): string {
  if (!Number.isFinite(raw)) return '—';
  // A clock that ticks once a second can lag an event's timestamp by a little: show 0, not a minus.
  const ms = Math.max(0, raw);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} m`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatClock(at: number): string {
  const date = new Date(at);
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** When a task started, short: "14:02" today, "Mar 3, 14:02" before. */
export function formatStarted(at: number, now: number): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date(now).toDateString()
    ? time
    : `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
}

/** "1 document", "2 documents". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

export function formatDateTime(at: number): string {
  return new Date(at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
