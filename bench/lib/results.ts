import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commit, load, machine, ROOT } from './machine.js';

/** One of the goals as this run measured it; `met` is null when it was not measured. */
export interface Goal {
  id: string;
  what: string;
  value: number | null;
  unit: string;
  /** `≤ 50` or `≥ 5`. */
  goal: string;
  met: boolean | null;
  /** Which figure is judged: "worst of 3 rounds", "median of 3 per-round ratios"... */
  basis: string;
}

export function goal(
  id: string,
  what: string,
  value: number | null | undefined,
  unit: string,
  limit: { atMost: number } | { atLeast: number },
  basis: string,
): Goal {
  const measured = value === undefined || value === null || Number.isNaN(value) ? null : value;
  const atMost = 'atMost' in limit;
  const bound = atMost ? limit.atMost : limit.atLeast;
  return {
    id,
    what,
    value: measured,
    unit,
    goal: `${atMost ? '≤' : '≥'} ${bound}`,
    met: measured === null ? null : atMost ? measured <= bound : measured >= bound,
    basis,
  };
}

/** A benchmark started now: remembers the load at its start for its results file. */
export function startBench(name: string) {
  const loadAtStart = load();
  const startedAt = new Date().toISOString();
  return {
    /** Writes bench/results/<name>.json: machine, commit, load, figures and goals. */
    write(figures: Record<string, unknown>, goals: Goal[]): string {
      const path = join(ROOT, 'bench', 'results', `${name}.json`);
      mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
      const record = {
        name,
        startedAt,
        finishedAt: new Date().toISOString(),
        commit: commit(),
        machine: machine(),
        load: { atStart: loadAtStart, atEnd: load() },
        goals,
        ...figures,
      };
      writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
      for (const g of goals) {
        const verdict = g.met === null ? 'not measured' : g.met ? 'met' : 'NOT MET';
        console.log(`goal ${g.id}: ${g.value ?? '–'} ${g.unit} (goal ${g.goal}, ${g.basis}): ${verdict}`);
      }
      console.log(`figures: ${path}`);
      return path;
    },
  };
}
