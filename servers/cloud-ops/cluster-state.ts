import { z } from 'zod';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export const Environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof Environment>;

/** Semantic version with an optional pre-release suffix, e.g. 1.4.2 or 2.0.0-rc.1. */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

const Instance = z.object({ id: z.string(), version: z.string() });
export type Instance = z.infer<typeof Instance>;

const EnvironmentState = z.object({
  version: z.string(),
  instances: z.array(Instance),
  updatedAt: z.string(),
});
export type EnvironmentState = z.infer<typeof EnvironmentState>;

const Service = z.object({
  name: z.string(),
  environments: z.object({ dev: EnvironmentState, staging: EnvironmentState, prod: EnvironmentState }),
});
export type Service = z.infer<typeof Service>;

export const StepRecord = z.object({
  name: z.string(),
  status: z.enum(['done', 'failed', 'skipped', 'rolled_back']),
  message: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const OperationOutcome = z.enum(['succeeded', 'failed', 'cancelled', 'declined']);
export type OperationOutcome = z.infer<typeof OperationOutcome>;

export const Operation = z.object({
  id: z.string(),
  kind: z.enum(['deploy', 'scale']),
  service: z.string(),
  environment: Environment,
  /** deploy: versions; scale: instance counts. */
  from: z.string(),
  to: z.string(),
  outcome: OperationOutcome,
  message: z.string(),
  taskId: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  steps: z.array(StepRecord),
});
export type Operation = z.infer<typeof Operation>;

export const ClusterState = z.object({
  schemaVersion: z.literal(1),
  nextInstanceNumber: z.number().int().positive(),
  nextOperationNumber: z.number().int().positive(),
  services: z.array(Service),
  history: z.array(Operation),
});
export type ClusterState = z.infer<typeof ClusterState>;

/** How many operations the history keeps; older ones are dropped first. */
export const HISTORY_LIMIT = 500;

/** The simulated cluster a fresh data dir starts with. */
export function initialCluster(now: Date): ClusterState {
  const state: ClusterState = {
    schemaVersion: 1,
    nextInstanceNumber: 1,
    nextOperationNumber: 1,
    services: [],
    history: [],
  };
  const seed: [string, Record<Environment, [version: string, instances: number]>][] = [
    ['api-gateway', { dev: ['1.5.0', 1], staging: ['1.4.2', 2], prod: ['1.4.2', 4] }],
    ['billing', { dev: ['3.1.0', 1], staging: ['3.0.4', 2], prod: ['3.0.4', 3] }],
    ['search-indexer', { dev: ['0.9.3', 1], staging: ['0.9.3', 1], prod: ['0.9.1', 2] }],
    ['web-frontend', { dev: ['2.12.0', 1], staging: ['2.11.5', 2], prod: ['2.11.5', 3] }],
  ];
  for (const [name, envs] of seed) {
    const environments = {} as Service['environments'];
    for (const env of ENVIRONMENTS) {
      const [version, count] = envs[env];
      const instances = Array.from({ length: count }, () => ({
        id: nextInstanceId(state, name, env),
        version,
      }));
      environments[env] = { version, instances, updatedAt: now.toISOString() };
    }
    state.services.push({ name, environments });
  }
  return state;
}

export function nextInstanceId(state: ClusterState, service: string, env: Environment): string {
  return `${service}-${env}-${state.nextInstanceNumber++}`;
}

export function nextOperationId(state: ClusterState): string {
  return `op-${state.nextOperationNumber++}`;
}

export function findService(state: ClusterState, name: string): Service {
  const service = state.services.find((s) => s.name === name);
  if (!service) {
    const known = state.services.map((s) => s.name).join(', ');
    throw new Error(`Unknown service "${name}". Known services: ${known}.`);
  }
  return service;
}

export function recordOperation(state: ClusterState, operation: Operation): void {
  state.history.push(operation);
  if (state.history.length > HISTORY_LIMIT) state.history.splice(0, state.history.length - HISTORY_LIMIT);
}
