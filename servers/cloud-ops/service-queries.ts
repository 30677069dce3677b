import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import { ENVIRONMENTS, Environment, findService, Operation } from './cluster-state.js';
import { ClusterStore } from './cluster-store.js';

const EnvironmentSummary = z.object({
  environment: Environment,
  version: z.string(),
  instances: z.number().int(),
  /** Distinct versions running now: more than one while a rollout is under way. */
  runningVersions: z.array(z.string()),
  busy: z.boolean(),
  updatedAt: z.string(),
});

const listOutput = z.object({
  services: z.array(z.object({ name: z.string(), environments: z.array(EnvironmentSummary) })),
  notice: z.string().optional(),
});

const historyOutput = z.object({ operations: z.array(Operation), total: z.number().int() });

export function registerQueries(server: TaskServer, store: ClusterStore): void {
  server.tool({
    name: 'list_services',
    title: 'List services',
    description:
      'Lists every service with, per environment, its version, instance count and whether an operation runs.',
    input: z.strictObject({
      environment: Environment.optional().describe('Only this environment'),
    }),
    output: listOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async ({ environment }) => {
      const envs = environment ? [environment] : ENVIRONMENTS;
      const services = store.state.services.map((service) => ({
        name: service.name,
        environments: envs.map((env) => {
          const state = service.environments[env];
          return {
            environment: env,
            version: state.version,
            instances: state.instances.length,
            runningVersions: [...new Set(state.instances.map((i) => i.version))],
            busy: store.locks.isLocked(ClusterStore.lockKey(service.name, env)),
            updatedAt: state.updatedAt,
          };
        }),
      }));
      const lines = services.flatMap((s) =>
        s.environments.map(
          (e) =>
            `${s.name.padEnd(16)} ${e.environment.padEnd(8)} ${e.version.padEnd(12)} ${e.instances} instance(s)${e.busy ? ' (operation running)' : ''}`,
        ),
      );
      if (store.notice) lines.unshift(`Note: ${store.notice}`);
      return textResult(lines.join('\n'), { services, ...(store.notice && { notice: store.notice }) });
    },
  });

  server.tool({
    name: 'get_deployment_history',
    title: 'Deployment history',
    description: 'Past deploy and scale operations, newest first, with their outcome and steps.',
    input: z.strictObject({
      serviceName: z.string().min(1).optional().describe('Only this service'),
      environment: Environment.optional().describe('Only this environment'),
      limit: z.number().int().min(1).max(200).default(20).describe('How many operations at most (1-200)'),
    }),
    output: historyOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async ({ serviceName, environment, limit }) => {
      if (serviceName) findService(store.state, serviceName);
      const matching = store.state.history.filter(
        (op) =>
          (!serviceName || op.service === serviceName) && (!environment || op.environment === environment),
      );
      const operations = matching.slice(-limit).reverse();
      const text =
        operations.length === 0
          ? 'No operations recorded yet.'
          : operations
              .map(
                (op) =>
                  `${op.finishedAt} ${op.kind} ${op.service}/${op.environment} ${op.from} → ${op.to}: ${op.outcome}. ${op.message}`,
              )
              .join('\n');
      return textResult(text, { operations, total: matching.length });
    },
  });
}
