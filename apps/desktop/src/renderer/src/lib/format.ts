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

export function formatDateTime(at: number): string {
  return new Date(at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
