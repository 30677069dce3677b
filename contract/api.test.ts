import { describe, expect, it } from 'vitest';
import { AppInfoSchema, commands } from './api';

describe('contract', () => {
  it('gives every command its own channel', () => {
    const channels = Object.values(commands).map((spec) => spec.channel);
    expect(new Set(channels).size).toBe(channels.length);
  });

  it('app:info takes no arguments', () => {
    expect(commands.appInfo.args.safeParse([]).success).toBe(true);
    expect(commands.appInfo.args.safeParse(['x']).success).toBe(false);
    expect(commands.appInfo.args.safeParse(undefined).success).toBe(false);
  });

  it('accepts a valid app info and rejects anything else', () => {
    expect(AppInfoSchema.parse({ version: '0.1.0', platform: 'linux' })).toEqual({
      version: '0.1.0',
      platform: 'linux',
    });
    expect(AppInfoSchema.safeParse({ version: '0.1.0', platform: 'beos' }).success).toBe(false);
    expect(AppInfoSchema.safeParse({ version: '', platform: 'linux' }).success).toBe(false);
    expect(AppInfoSchema.safeParse({ version: '0.1.0', platform: 'linux', extra: 1 }).success).toBe(false);
    expect(AppInfoSchema.safeParse(null).success).toBe(false);
  });
});
