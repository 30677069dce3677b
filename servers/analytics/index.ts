import { runServer } from '@taskdeck/task-runtime/main';
import { TaskServer } from '@taskdeck/task-runtime/task-server';
import { registerAnalyzeCsv } from './analyze-csv-tool.js';
import { registerGenerateSampleData } from './generate-sample-data-tool.js';
import { isProfilerWorker, runProfilerWorker } from './profiler-worker.js';

const INSTRUCTIONS =
  'Data analytics on local files. analyze_csv profiles a CSV file (types, nulls, distinct values, ranges, ' +
  'quartiles, top values, histograms) in one streaming pass; generate_sample_data writes realistic sample ' +
  'records as CSV or JSON. Both run as tasks for large inputs, with progress and cancel.';

/** Worker threads: 0 disables them (e.g. where this bundle cannot be started as a worker). */
function workerCount(): number | undefined {
  const raw = process.env.TASKDECK_ANALYTICS_WORKERS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

// The profiler's worker threads start this same bundle.
if (isProfilerWorker()) {
  runProfilerWorker();
} else {
  const server = new TaskServer({
    name: 'analytics',
    version: '0.1.0',
    title: 'Analytics',
    instructions: INSTRUCTIONS,
  });
  registerAnalyzeCsv(server, { workerScript: new URL(import.meta.url), workers: workerCount() });
  registerGenerateSampleData(server);
  await runServer(server);
}
