/**
 * Entry of the profiler's worker threads (bundled to out/servers/analytics.worker.js):
 * only what profiling needs. Starting the server's own bundle instead cost each thread
 * about 150 ms of CPU and 20-30 MB to load the MCP SDK, zod and their Node modules.
 */
import { runProfilerWorker } from './profiler-worker.js';

runProfilerWorker();
