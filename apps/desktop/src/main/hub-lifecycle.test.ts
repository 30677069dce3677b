import { describe, expect, it } from 'vitest';
import { HubLifecycle } from './hub-lifecycle';

/** A hub whose start the test finishes by hand, recording its shutdowns. */
function pendingHub() {
  const hub = { shutdowns: 0, shutdown: async () => void hub.shutdowns++ };
  let finish: (failure?: Error) => void = () => {};
  const started = new Promise<typeof hub>((done, fail) => {
    finish = (failure) => (failure ? fail(failure) : done(hub));
  });
  return { hub, started, finish };
}

describe('HubLifecycle', () => {
  it('hands out the started hub and stops it once', async () => {
    const lifecycle = new HubLifecycle<ReturnType<typeof pendingHub>['hub']>();
    const { hub, started, finish } = pendingHub();
    const starting = lifecycle.start(() => started);
    finish();
    expect(await starting).toBe(hub);
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    expect(hub.shutdowns).toBe(1);
  });

  it('a stop during the start waits for it, stops the hub and hands out nothing', async () => {
    const lifecycle = new HubLifecycle<ReturnType<typeof pendingHub>['hub']>();
    const { hub, started, finish } = pendingHub();
    const starting = lifecycle.start(() => started);
    let stopped = false;
    const stopping = lifecycle.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    expect(await starting).toBeUndefined();
    await stopping;
    expect(hub.shutdowns).toBe(1);
  });

  it('does not start after a stop, and a failed start leaves nothing to stop', async () => {
    const stoppedFirst = new HubLifecycle<ReturnType<typeof pendingHub>['hub']>();
    await stoppedFirst.stop();
    let created = false;
    expect(
      await stoppedFirst.start(async () => {
        created = true;
        return pendingHub().hub;
      }),
    ).toBeUndefined();
    expect(created).toBe(false);

    const failing = new HubLifecycle<ReturnType<typeof pendingHub>['hub']>();
    const { started, finish } = pendingHub();
    const starting = failing.start(() => started);
    finish(new Error('data dir locked'));
    await expect(starting).rejects.toThrow('data dir locked');
    await expect(failing.stop()).resolves.toBeUndefined();
  });
});
