// Misbehaving MCP servers for the hub's failure-path tests, one per mode:
//   node fixture-server.mjs garbage | silent | flood | hang | crash | stubborn
// Every mode also has `grow`, which adds a tool and says so (tools/list_changed).
// Plain SDK servers (no Taskdeck runtime), like third-party servers users add.
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
  const server = new Server(
    { name: `fixture-${mode}`, version: '1.0.0' },
    { capabilities: { tools: { listChanged: true } } },
  );
  const tools = {
    echo: 'Echoes its text',
    flood: 'Sends many progress notifications, then answers',
    hang: 'Never answers',
    grow: 'Adds a tool named "grown"',
  };
  let grown = false;
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: Object.entries(grown ? { ...tools, grown: 'Added at run time' } : tools).map(
      ([name, description]) => ({
        name,
        description,
        inputSchema: { type: 'object', properties: { text: { type: 'string' }, count: { type: 'integer' } } },
      }),
    ),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {} } = request.params;
    if (name === 'echo') return { content: [{ type: 'text', text: String(args.text ?? '') }] };
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
  if (mode !== 'stubborn') process.stdin.on('end', () => process.exit(0));
}
