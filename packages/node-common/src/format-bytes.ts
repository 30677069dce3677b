const UNITS = ['KB', 'MB', 'GB', 'TB'];

/**
 * A byte count as people read it, the one format every part of Taskdeck shows:
 * "512 B", "23.0 MB", "1.2 GB" (binary multiples, one decimal). Pure: the UI uses it too.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}
