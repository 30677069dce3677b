// The tools the MCP conformance suite's server scenarios call by name, on our task runtime
// and served by its entry (`--http`), so those scenarios test the runtime rather than a
// bundled server. Not shipped: scripts/conformance.mjs bundles it to out/conformance/.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { delay } from '@taskdeck/node-common/environment';
import { runServer } from '@taskdeck/task-runtime/main';
import { TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';

/**
 * `test_reconnection` (SEP-1699): the server closes the call's SSE stream while the call
 * runs, and the client resumes it with Last-Event-ID to get the result. Closing a stream
 * is the transport's business, which a tool never sees: done here, on the way in.
 */
class ConformanceFixture extends TaskServer {
  override async connect(transport: Transport): Promise<void> {
    await super.connect(transport);
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      deliver?.(message, extra);
      const call = isJSONRPCRequest(message) && message.method === 'tools/call';
      if (call && message.params?.name === 'test_reconnection') extra?.closeSSEStream?.();
    };
  }
}

const server = new ConformanceFixture({ name: 'conformance-fixture', version: '0.0.0' });
const NoArguments = z.strictObject({});

/** A 1×1 red PNG. */
const RED_PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/** A WAV file of `samples` silent 8-bit mono samples at 8 kHz. */
function silentWav(samples: number): string {
  const wav = Buffer.alloc(44 + samples, 0x80);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24); // sample rate
  wav.writeUInt32LE(8000, 28); // byte rate
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  return wav.toString('base64');
}

const image = { type: 'image' as const, data: RED_PIXEL, mimeType: 'image/png' };

function constant(name: string, result: CallToolResult): void {
  server.tool({
    name,
    title: name,
    description: `Conformance fixture: ${name}`,
    input: NoArguments,
    run: async () => result,
  });
}

constant('test_simple_text', textResult('This is a simple text response for testing.'));
constant('test_image_content', { content: [image] });
constant('test_audio_content', { content: [{ type: 'audio', data: silentWav(8), mimeType: 'audio/wav' }] });
constant('test_embedded_resource', {
  content: [
    {
      type: 'resource',
      resource: {
        uri: 'test://embedded-resource',
        mimeType: 'text/plain',
        text: 'This is an embedded resource content.',
      },
    },
  ],
});
constant('test_multiple_content_types', {
  content: [
    { type: 'text', text: 'Multiple content types test:' },
    image,
    {
      type: 'resource',
      resource: {
        uri: 'test://mixed-content-resource',
        mimeType: 'application/json',
        text: '{"test":"data","value":123}',
      },
    },
  ],
});

server.tool({
  name: 'test_error_handling',
  title: 'Error',
  description: 'Conformance fixture: always fails',
  input: NoArguments,
  run: async () => {
    throw new Error('This tool intentionally returns an error for testing');
  },
});

server.tool({
  name: 'test_tool_with_logging',
  title: 'Logging',
  description: 'Conformance fixture: three log messages 50 ms apart',
  input: NoArguments,
  run: async (_args, ctx) => {
    ctx.log.info('Tool execution started');
    await delay(50);
    ctx.log.info('Tool processing data');
    await delay(50);
    ctx.log.info('Tool execution completed');
    return textResult('Logged three messages.');
  },
});

server.tool({
  name: 'test_tool_with_progress',
  title: 'Progress',
  description: 'Conformance fixture: progress 0, 50, 100 of 100',
  input: NoArguments,
  run: async (_args, ctx) => {
    // Further apart than the runtime's progress throttle (20 a second), so none is merged.
    for (const done of [0, 50, 100]) {
      ctx.progress(done, 100);
      if (done < 100) await delay(60);
    }
    return textResult('Progress reported.');
  },
});

server.tool({
  name: 'test_elicitation',
  title: 'Elicitation',
  description: 'Conformance fixture: asks the user',
  input: z.strictObject({ message: z.string() }),
  run: async ({ message }, ctx) => {
    const answer = await ctx.elicit(message, {
      type: 'object',
      properties: {
        username: { type: 'string', description: "User's response" },
        email: { type: 'string', description: "User's email address" },
      },
      required: ['username', 'email'],
    });
    return textResult(
      `User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`,
    );
  },
});

server.tool({
  name: 'test_reconnection',
  title: 'Reconnection',
  description: 'Conformance fixture: its stream is closed mid-call (SEP-1699); answers 100 ms later',
  input: NoArguments,
  run: async () => {
    await delay(100);
    return textResult('Reconnection test completed successfully.');
  },
});

// SEP-1613/SEP-2106: JSON Schema 2020-12 keywords survive tools/list. zod writes $schema,
// $defs (for a schema with an id), $ref and additionalProperties; the rest comes from meta.
const address = z
  .object({ street: z.string().optional(), city: z.string().optional() })
  .meta({ id: 'address', $anchor: 'addressDef' });
server.tool({
  name: 'json_schema_2020_12_tool',
  title: 'JSON Schema 2020-12',
  description: 'Tool with JSON Schema 2020-12 features',
  input: z
    .strictObject({
      name: z.string().optional(),
      address: address.optional(),
      contactMethod: z.enum(['phone', 'email']).optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
    })
    .meta({
      allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
      if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, not a thenable
      then: { required: ['phone'] },
      else: { required: ['email'] },
    }),
  run: async (args) => textResult(JSON.stringify(args)),
});

await runServer(server);
