import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runServer } from '@taskdeck/task-runtime/main';
import { TaskServer } from '@taskdeck/task-runtime/task-server';
import { registerAnalyzeCsv } from './analyze-csv-tool.js';
import { registerGenerateSampleData } from './generate-sample-data-tool.js';

const INSTRUCTIONS =
  'Data analytics on local files. analyze_csv profiles a CSV file (types, nulls, distinct values, ranges, ' +
  'quartiles, top values, histograms) in one streaming pass; generate_sample_data writes realistic sample ' +
  'records as CSV or JSON. Both run as tasks for large inputs, with progress and cancel.';

/** Worker threads: 0 profiles every file in the server's own thread. */
function workerCount(): number | undefined {
  const raw = process.env.TASKDECK_ANALYTICS_WORKERS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The profiler threads' bundle beside this one (worker.ts); without it, files are profiled in this thread. */
function workerScript(): URL | undefined {
  const url = new URL('./analytics.worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

const server = new TaskServer({
  name: 'analytics',
  version: '0.1.0',
  title: 'Analytics',
  instructions: INSTRUCTIONS,
});
registerAnalyzeCsv(server, { workerScript: workerScript(), workers: workerCount() });
registerGenerateSampleData(server);
await runServer(server);
