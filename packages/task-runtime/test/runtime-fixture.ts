// A server on the task runtime with tools that exist only to test the runtime itself over
// stdio (the bundled servers have no tool whose result can exceed a message). The runtime's
// integration test bundles it; it is not shipped.
import { z } from 'zod';
import { runServer } from '../src/main.js';
import { TaskServer, textResult } from '../src/task-server.js';

const server = new TaskServer({ name: 'runtime-fixture', version: '0.0.0' });
const Size = z.strictObject({ bytes: z.number().int().min(0) });
const text = (bytes: number) => textResult('x'.repeat(bytes));

server.taskTool({
  name: 'sized_task',
  title: 'Sized result (task)',
  description: 'Answers with a text result of the given size',
  input: Size,
  taskSupport: 'optional',
  run: async ({ bytes }) => text(bytes),
});
server.tool({
  name: 'sized',
  title: 'Sized result',
  description: 'Answers with a text result of the given size',
  input: Size,
  run: async ({ bytes }) => text(bytes),
});

await runServer(server);
