import { describe, expect, it } from 'vitest';
import {
  AppInfoSchema,
  commands,
  electronCommands,
  HubEventSchema,
  SocketRequestSchema,
  webCommands,
} from './api';

describe('contract', () => {
  it('gives every command of every host its own channel', () => {
    const channels = [commands, electronCommands, webCommands].flatMap((group) =>
      Object.values(group).map((spec) => spec.channel),
    );
    expect(new Set(channels).size).toBe(channels.length);
  });

  it('app:info takes no arguments', () => {
    expect(commands.appInfo.args.safeParse([]).success).toBe(true);
    expect(commands.appInfo.args.safeParse(['x']).success).toBe(false);
    expect(commands.appInfo.args.safeParse(undefined).success).toBe(false);
  });

  it('accepts a valid app info and rejects anything else', () => {
    const info = { version: '0.1.0', platform: 'linux', host: 'web' };
    expect(AppInfoSchema.parse(info)).toEqual(info);
    expect(AppInfoSchema.safeParse({ ...info, platform: 'beos' }).success).toBe(false);
    expect(AppInfoSchema.safeParse({ ...info, version: '' }).success).toBe(false);
    expect(AppInfoSchema.safeParse({ ...info, host: 'cli' }).success).toBe(true);
    expect(AppInfoSchema.safeParse({ ...info, host: 'tui' }).success).toBe(false);
    expect(AppInfoSchema.safeParse({ ...info, extra: 1 }).success).toBe(false);
    expect(AppInfoSchema.safeParse(null).success).toBe(false);
  });

  it('validates command arguments as tuples', () => {
    expect(
      commands.startTool.args.safeParse([{ server: 'analytics', tool: 'analyze_csv', arguments: {} }])
        .success,
    ).toBe(true);
    expect(commands.startTool.args.safeParse([{ server: '', tool: 'x', arguments: {} }]).success).toBe(false);
    expect(commands.cancelTask.args.safeParse([]).success).toBe(false);
    expect(
      commands.respondToInput.args.safeParse(['t1', { action: 'accept', content: { confirm: true } }])
        .success,
    ).toBe(true);
    expect(commands.respondToInput.args.safeParse(['t1', { action: 'maybe' }]).success).toBe(false);
    expect(commands.grantRoots.args.safeParse([[]]).success).toBe(false);
    expect(commands.grantRoots.args.safeParse([['/tmp/a\0b']]).success).toBe(false);
    expect(webCommands.completePath.args.safeParse(['x'.repeat(5000)]).success).toBe(false);
    expect(electronCommands.pickFiles.args.safeParse([{ extensions: ['csv'] }]).success).toBe(true);
    expect(electronCommands.pickFiles.args.safeParse([{ extensions: ['../x'] }]).success).toBe(false);
  });

  it('validates socket requests and hub events', () => {
    expect(SocketRequestSchema.safeParse({ id: 1, channel: 'hub:roots', args: [] }).success).toBe(true);
    expect(SocketRequestSchema.safeParse({ id: -1, channel: 'hub:roots', args: [] }).success).toBe(false);
    expect(
      SocketRequestSchema.safeParse({ id: 1, channel: 'hub:roots', args: [], extra: true }).success,
    ).toBe(false);
    expect(HubEventSchema.safeParse({ type: 'snapshot', servers: [], tasks: [], roots: [] }).success).toBe(
      true,
    );
    expect(
      HubEventSchema.safeParse({ type: 'batch', servers: [], tasks: [{ id: 'x' }], logs: [] }).success,
    ).toBe(false);
    const notice = { id: 'n1', at: 1, level: 'warning', message: 'moved aside' };
    expect(
      HubEventSchema.safeParse({ type: 'snapshot', servers: [], tasks: [], roots: [], notices: [notice] })
        .success,
    ).toBe(true);
    expect(
      HubEventSchema.safeParse({
        type: 'batch',
        servers: [],
        tasks: [],
        logs: [],
        notices: [{ ...notice, level: 'info' }],
      }).success,
    ).toBe(false);
    const newer = {
      id: 't',
      server: 's',
      tool: 'x',
      mode: 'unknown',
      unrecognizedMode: 'stream',
      status: 'unknown',
      unrecognizedStatus: 'paused',
      createdAt: 1,
      updatedAt: 2,
    };
    expect(HubEventSchema.safeParse({ type: 'batch', servers: [], tasks: [newer], logs: [] }).success).toBe(
      true,
    );
  });
});
