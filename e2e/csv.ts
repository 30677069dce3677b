/**
 * A deterministic sales CSV. Self-contained (no outer references) so that Playwright can
 * also run it inside the page: the web test builds the dropped file there, without
 * shipping megabytes through the DevTools protocol.
 */
export function makeCsv(rows: number): string {
  const cities = ['Berlin', 'Paris', 'Lisbon', 'Oslo', 'Rome', 'Madrid', 'Vienna'];
  const parts: string[] = ['id,city,amount,ordered_on,express,note\n'];
  for (let i = 1; i <= rows; i++) {
    const amount = ((i * 7919) % 100_000) / 100;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    const note = i % 17 === 0 ? '' : i % 5 === 0 ? '"gift, wrapped"' : 'standard';
    parts.push(`${i},${cities[i % cities.length]},${amount},2026-${month}-${day},${i % 3 === 0},${note}\n`);
  }
  return parts.join('');
}
