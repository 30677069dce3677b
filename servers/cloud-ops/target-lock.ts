import type { ToolContext } from '@taskdeck/task-runtime/task-server';
import type { Environment } from './cluster-state.js';
import { ClusterStore } from './cluster-store.js';

/** Runs `work` while holding the service/environment lock; a waiting task says what it waits for. */
export async function withTargetLock<T>(
  store: ClusterStore,
  service: string,
  environment: Environment,
  ctx: ToolContext,
  work: () => Promise<T>,
): Promise<T> {
  const key = ClusterStore.lockKey(service, environment);
  if (store.locks.isLocked(key)) {
    const message = `Waiting for another operation on ${key} to finish`;
    ctx.status(message);
    ctx.log.info(message);
  }
  const release = await store.locks.acquire(key, ctx.signal);
  try {
    return await work();
  } finally {
    release();
  }
}
