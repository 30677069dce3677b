// Misbehaving MCP servers for the hub's failure-path tests, one per mode:
//   node fixture-server.mjs garbage | silent | flood | hang | crash | stubborn | tasks
// Every mode also has `grow`, which adds a tool and says so (tools/list_changed), and
// `die`, which writes its `text` on stderr and exits with code `count`. `tasks` adds task
// support and results too large for one message (`huge`, plain; `huge_task`, a task) and
// a task that never ends (`wait_task`).
// Plain SDK servers (no Taskdeck runtime), like third-party servers users add.
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const mode = process.argv[2];

if (mode === 'crash') {
  console.error('fatal: FIXTURE_API_KEY is not set');
  process.exit(3);
}
if (mode === 'stubborn') {
  // Ignores stdin closing and SIGTERM, and keeps a helper process in its group:
  // only SIGKILL to the whole group ends both.
  const { spawn } = await import('node:child_process');
  const helper = spawn(
    process.execPath,
    ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"],
    { stdio: 'ignore' },
  );
  console.error(`helper pid ${helper.pid}`);
  process.on('SIGTERM', () => console.error('ignoring SIGTERM'));
}
if (mode === 'silent') {
  // Reads everything, answers nothing.
  process.stdin.resume();
} else {
  const withTasks = mode === 'tasks';
  const server = new Server(
    { name: `fixture-${mode}`, version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        ...(withTasks && { tasks: { requests: { tools: { call: {} } } } }),
      },
      ...(withTasks && { taskStore: new InMemoryTaskStore() }),
    },
  );
  /** @type {Record<string, string>} */
  const tools = {
    echo: 'Echoes its text',
    flood: 'Sends many progress notifications, then answers',
    hang: 'Never answers',
    grow: 'Adds a tool named "grown"',
    die: 'Writes its text on stderr and exits with code `count`',
  };
  /** @type {Record<string, string>} */
  const taskTools = withTasks
    ? {
        huge_task: 'A task whose result is `count` bytes (11 MiB by default)',
        wait_task: 'A task that never ends',
      }
    : {};
  if (withTasks) tools.huge = 'Answers with `count` bytes of text (11 MiB by default)';
  let grown = false;
  const inputSchema = {
    type: /** @type {const} */ ('object'),
    properties: { text: { type: 'string' }, count: { type: 'integer' } },
  };
  /** @param {Record<string, unknown>} args */
  const huge = (args) => ({
    content: [{ type: 'text', text: 'x'.repeat(Number(args.count ?? 11 * 1024 * 1024)) }],
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      ...Object.entries(grown ? { ...tools, grown: 'Added at run time' } : tools).map(
        ([name, description]) => ({
          name,
          description,
          inputSchema,
        }),
      ),
      ...Object.entries(taskTools).map(([name, description]) => ({
        name,
        description,
        inputSchema,
        execution: { taskSupport: /** @type {const} */ ('required') },
      })),
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {} } = request.params;
    if (request.params.task && extra.taskStore) {
      const { taskStore } = extra;
      const task = await taskStore.createTask({ ttl: 60_000 });
      if (name === 'huge_task')
        setTimeout(() => void taskStore.storeTaskResult(task.taskId, 'completed', huge(args)), 20);
      return { task };
    }
    if (name === 'echo') return { content: [{ type: 'text', text: String(args.text ?? '') }] };
    if (name === 'huge') return huge(args);
    if (name === 'die') {
      if (args.text) console.error(String(args.text));
      // Let stderr drain before exiting.
      setTimeout(() => process.exit(Number(args.count ?? 1)), 20);
      return new Promise(() => {});
    }
    if (name === 'flood') {
      const token = request.params._meta?.progressToken;
      const count = Number(args.count ?? 20000);
      for (let i = 1; i <= count; i++) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: i, total: count },
        });
      }
      return { content: [{ type: 'text', text: `sent ${count}` }] };
    }
    if (name === 'hang') return new Promise(() => {});
    if (name === 'grow') {
      grown = true;
      await server.sendToolListChanged();
      return { content: [{ type: 'text', text: 'grown' }] };
    }
    throw new Error(`unknown tool ${name}`);
  });
  if (mode === 'garbage') {
    process.stdout.write('Starting fixture server... (not JSON)\n');
    setInterval(() => process.stdout.write('{"half": \n'), 20).unref();
  }
  await server.connect(new StdioServerTransport());
  // A routine line, like the runtime's: never the explanation of a crash.
  console.error(`[fixture-${mode}] info: ready (pid ${process.pid})`);
  if (mode !== 'stubborn') process.stdin.on('end', () => process.exit(0));
}
