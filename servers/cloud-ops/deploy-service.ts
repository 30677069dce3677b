import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  TaskCancelledError,
  type TaskServer,
  type ToolContext,
  textResult,
} from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import {
  type Environment,
  Environment as EnvironmentSchema,
  findService,
  type Instance,
  type OperationOutcome,
  StepRecord,
  VERSION_PATTERN,
} from './cluster-state.js';
import type { ClusterStore } from './cluster-store.js';
import { OperationTimeline } from './operation-timeline.js';
import { withTargetLock } from './target-lock.js';

/** Simulated durations in seconds at TASKDECK_TIME_SCALE=1. */
const SECONDS = { validate: 0.5, pull: 2, drain: 0.5, start: 1, health: 1 };

const input = z.strictObject({
  serviceName: z.string().min(1).describe('Service to deploy, e.g. "api-gateway" (see list_services)'),
  version: z
    .string()
    .regex(VERSION_PATTERN, 'must be a version like 1.4.2 or 2.0.0-rc.1')
    .describe('Version (image tag) to roll out, e.g. "1.5.0"'),
  environment: EnvironmentSchema.describe('Target environment; prod asks for confirmation first'),
  dryRun: z.boolean().default(false).describe('Validate and show the plan without changing anything'),
});

const output = z.object({
  service: z.string(),
  environment: EnvironmentSchema,
  fromVersion: z.string(),
  toVersion: z.string(),
  dryRun: z.boolean(),
  outcome: z.enum(['succeeded', 'unchanged', 'planned', 'rolled_back']),
  instances: z.number().int(),
  operationId: z.string().optional(),
  steps: z.array(StepRecord),
});

class HealthCheckFailed extends Error {}

export function registerDeployService(server: TaskServer, store: ClusterStore, timeScale: number): void {
  server.taskTool({
    name: 'deploy_service',
    title: 'Deploy service',
    description:
      'Rolls a new version of a service out to an environment, one instance at a time with health checks. ' +
      'A failed health check or a cancel rolls every updated instance back. Deploys to prod ask for confirmation.',
    input,
    output,
    taskSupport: 'optional',
    // Small, because a prod deploy waits for the user's answer through tasks/result.
    pollIntervalMs: 250,
    annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    run: (args, ctx) => deploy(args, ctx, store, timeScale),
  });
}

async function deploy(
  args: z.output<typeof input>,
  ctx: ToolContext,
  store: ClusterStore,
  timeScale: number,
): Promise<CallToolResult> {
  const { serviceName, version, environment, dryRun } = args;
  const service = findService(store.state, serviceName);
  return withTargetLock(store, service.name, environment, ctx, async () => {
    const env = service.environments[environment];
    const fromVersion = env.version;
    const timeline = new OperationTimeline(ctx, 3 + env.instances.length * 3, timeScale);
    const summary = { service: service.name, environment, fromVersion, toVersion: version, dryRun };
    const target = `${service.name} ${version} to ${environment}`;
    await timeline.step('validate', `Validating ${target}`, SECONDS.validate);

    if (env.instances.every((i) => i.version === version) && fromVersion === version) {
      const message = `${service.name} already runs ${version} in ${environment}; nothing to do.`;
      timeline.complete(message);
      return deployResult(message, {
        ...summary,
        outcome: 'unchanged',
        instances: env.instances.length,
        steps: timeline.steps,
      });
    }
    if (dryRun) {
      const plan = planText(service.name, env.instances, fromVersion, version, environment);
      timeline.complete(`Dry run: ${target} planned`);
      return deployResult(plan, {
        ...summary,
        outcome: 'planned',
        instances: env.instances.length,
        steps: timeline.steps,
      });
    }
    const startedAt = new Date().toISOString();
    const finish = (outcome: OperationOutcome, message: string) =>
      store.recordOperation({
        kind: 'deploy',
        service: service.name,
        environment,
        from: fromVersion,
        to: version,
        outcome,
        message,
        taskId: ctx.taskId,
        startedAt,
        steps: timeline.steps,
      });

    if (environment === 'prod')
      await confirmProduction(ctx, service.name, fromVersion, version, env.instances.length, finish);

    const updated: Instance[] = [];
    try {
      await timeline.step('pull', `Pulling image ${service.name}:${version}`, SECONDS.pull);
      for (const [index, instance] of env.instances.entries()) {
        const label = `Instance ${index + 1}/${env.instances.length} (${instance.id})`;
        await timeline.step(`drain ${instance.id}`, `${label}: draining traffic`, SECONDS.drain);
        instance.version = version;
        updated.push(instance);
        await store.save();
        await timeline.step(`start ${instance.id}`, `${label}: starting ${version}`, SECONDS.start);
        await timeline.step(`health ${instance.id}`, `${label}: health check`, SECONDS.health, () => {
          if (version.endsWith('-broken')) {
            throw new HealthCheckFailed(
              `health check failed on ${instance.id}: /healthz answered 503 after start`,
            );
          }
        });
      }
      env.version = version;
      env.updatedAt = new Date().toISOString();
      const message = `Deployed ${target} (${env.instances.length} instances, was ${fromVersion}).`;
      timeline.record('complete', 'done', message);
      const operationId = await finish('succeeded', message);
      timeline.complete(message);
      return deployResult(message, {
        ...summary,
        outcome: 'succeeded',
        instances: env.instances.length,
        operationId,
        steps: timeline.steps,
      });
    } catch (error) {
      const cancelled = ctx.signal.aborted;
      for (const instance of updated) instance.version = fromVersion;
      const reason = cancelled ? 'cancelled' : (error as Error).message;
      const message = `Deploy of ${target} ${reason}; rolled back ${updated.length} instance(s) to ${fromVersion}.`;
      timeline.record('rollback', 'rolled_back', message);
      ctx.log.warning(message);
      const operationId = await finish(cancelled ? 'cancelled' : 'failed', message);
      if (!(error instanceof HealthCheckFailed)) throw error;
      // A failed rollout is an answer, not a crash: keep the step timeline in the result.
      const structured = {
        ...summary,
        outcome: 'rolled_back' as const,
        instances: env.instances.length,
        operationId,
      };
      return { ...deployResult(message, { ...structured, steps: timeline.steps }), isError: true };
    }
  });
}

async function confirmProduction(
  ctx: ToolContext,
  service: string,
  fromVersion: string,
  version: string,
  instances: number,
  finish: (outcome: OperationOutcome, message: string) => Promise<string>,
): Promise<void> {
  let answer: Awaited<ReturnType<ToolContext['elicit']>>;
  try {
    // Accept or decline, nothing to fill in: accepting is the confirmation. A checkbox that must be
    // ticked cannot be said in an elicitation schema (a required boolean may be false), so a
    // client would let "Accept" through unticked and the deploy would end as not confirmed.
    answer = await ctx.elicit(
      `Deploy ${service} ${version} to production? ${instances} instance(s) now run ${fromVersion}; they are updated one at a time.`,
      { type: 'object', properties: {} },
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new Error(
      `Production deploys need your confirmation, but it could not be asked: ${(error as Error).message}`,
    );
  }
  if (answer.action === 'accept') {
    ctx.log.info(`Production deploy of ${service} ${version} confirmed`);
    return;
  }
  const how = answer.action === 'decline' ? 'declined' : 'dismissed';
  const message = `Production deploy of ${service} ${version} was ${how}; nothing changed.`;
  await finish('declined', message);
  throw new TaskCancelledError(message);
}

function planText(
  service: string,
  instances: Instance[],
  from: string,
  to: string,
  environment: Environment,
): string {
  const lines = [
    `Dry run: deploy ${service} ${from} → ${to} in ${environment}. Nothing was changed.`,
    `1. Pull image ${service}:${to}`,
    ...instances.map((instance, i) => `${i + 2}. ${instance.id}: drain, start ${to}, health check`),
    `${instances.length + 2}. Mark ${environment} as running ${to}`,
  ];
  if (environment === 'prod') lines.push('A real deploy to prod asks for confirmation first.');
  return lines.join('\n');
}

function deployResult(text: string, structured: z.output<typeof output>): CallToolResult {
  return textResult(text, structured);
}
