import { isCounterWorker, runCounterWorker } from './count-pool.js';

// The counter threads run this same bundle; they must not start a second MCP server.
if (isCounterWorker()) {
  runCounterWorker();
} else {
  // Loaded lazily so the counter threads never evaluate the SDK and server code.
  const { main } = await import('./server.js');
  await main(new URL(import.meta.url));
}
