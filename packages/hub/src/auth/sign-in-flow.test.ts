import { describe, expect, it } from 'vitest';
import { SignInFlow } from './sign-in-flow.js';

const STATE = 'x'.repeat(43);
const redirect = (params: Record<string, string>) => new URLSearchParams({ state: STATE, ...params });

function waiting(): SignInFlow {
  const flow = new SignInFlow('remote', STATE);
  flow.waitForUser('https://as.example.com/authorize?state=…');
  return flow;
}

describe('SignInFlow', () => {
  it('goes starting → waiting → exchanging → signed-in with the code of its own redirect', () => {
    const flow = new SignInFlow('remote', STATE);
    expect(flow.phase).toEqual({ kind: 'starting' });
    flow.waitForUser('https://as.example.com/authorize');
    expect(flow.phase).toEqual({ kind: 'waiting', authorizationUrl: 'https://as.example.com/authorize' });
    expect(flow.receive(redirect({ code: 'c0de' }))).toEqual({ kind: 'code', code: 'c0de' });
    expect(flow.phase).toEqual({ kind: 'exchanging' });
    flow.finish();
    expect(flow.phase).toEqual({ kind: 'signed-in' });
    expect(flow.over).toBe(true);
  });

  it('takes a redirect once: a replay is refused', () => {
    const flow = waiting();
    flow.receive(redirect({ code: 'c0de' }));
    expect(() => flow.receive(redirect({ code: 'c0de' }))).toThrow(
      'This sign-in is exchanging, not waiting.',
    );
    flow.finish();
    expect(() => flow.receive(redirect({ code: 'c0de' }))).toThrow('This sign-in is over: start a new one.');
  });

  it('refuses a redirect with another state, or none, and keeps waiting', () => {
    const flow = waiting();
    expect(flow.owns(null)).toBe(false);
    expect(flow.owns(`${STATE}x`)).toBe(false);
    expect(flow.owns(`${STATE.slice(0, -1)}y`)).toBe(false);
    expect(() => flow.receive(new URLSearchParams({ code: 'c0de' }))).toThrow(
      'does not carry this sign-in’s state',
    );
    expect(() => flow.receive(redirect({ state: 'other', code: 'c0de' }))).toThrow('does not carry');
    expect(flow.phase.kind).toBe('waiting');
  });

  it('ends failed with the authorization server’s error, or when no code came', () => {
    const denied = waiting();
    expect(denied.receive(redirect({ error: 'access_denied', error_description: 'No.' }))).toEqual({
      kind: 'refused',
      reason: 'the authorization server answered access_denied (No.)',
    });
    expect(denied.phase).toEqual({
      kind: 'failed',
      reason: 'the authorization server answered access_denied (No.)',
    });
    const empty = waiting();
    expect(empty.receive(redirect({}))).toEqual({
      kind: 'refused',
      reason: 'the authorization server sent no code',
    });
    const both = waiting();
    expect(both.receive(redirect({ code: 'c', error: 'server_error' })).kind).toBe('refused');
  });

  it('accepts a redirect only while waiting for the user', () => {
    const starting = new SignInFlow('remote', STATE);
    expect(() => starting.receive(redirect({ code: 'c' }))).toThrow('This sign-in is starting, not waiting.');
    const cancelled = waiting();
    cancelled.cancel('a new sign-in was started');
    expect(cancelled.phase).toEqual({ kind: 'cancelled', reason: 'a new sign-in was started' });
    expect(() => cancelled.receive(redirect({ code: 'c' }))).toThrow('This sign-in is over');
    expect(() => cancelled.waitForUser('https://as.example.com/authorize')).toThrow('This sign-in is over');
  });

  it('keeps the first ending: a late failure or cancel changes nothing', () => {
    const flow = waiting();
    flow.receive(redirect({ code: 'c' }));
    flow.finish();
    flow.fail('too late');
    flow.cancel('too late');
    expect(flow.phase).toEqual({ kind: 'signed-in' });
    const failed = waiting();
    failed.fail('discovery failed');
    failed.cancel('timeout');
    expect(failed.phase).toEqual({ kind: 'failed', reason: 'discovery failed' });
    expect(() => failed.finish()).toThrow('This sign-in is over');
  });
});
