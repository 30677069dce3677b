import { loadavg } from 'node:os';

export interface Interleaved<K extends string, T> {
  /** Each contender's result per round, in round order. */
  results: Record<K, T[]>;
  /** The 1-minute load average as each round began. */
  loadPerRound: number[];
}

/**
 * Runs the contenders round-robin, one at a time: round 1 runs A, B, C; round 2 starts
 * with B; and so on, so no contender always follows the same one (caches, a neighbour's
 * burst). Whatever the machine does meanwhile lands on every contender alike, and the
 * per-round ratios compare runs that saw the same load.
 */
export async function interleave<K extends string, T>(
  rounds: number,
  contenders: Record<K, (round: number) => Promise<T>>,
  onRound?: (round: number, results: Partial<Record<K, T>>) => void,
): Promise<Interleaved<K, T>> {
  const names = Object.keys(contenders) as K[];
  const results = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  const loadPerRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    loadPerRound.push(Math.round((loadavg()[0] ?? 0) * 100) / 100);
    const thisRound: Partial<Record<K, T>> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      const result = await contenders[name](round);
      results[name].push(result);
      thisRound[name] = result;
    }
    onRound?.(round + 1, thisRound);
  }
  return { results, loadPerRound };
}
