import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type TaskServer, type ToolContext, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import { Environment, findService, nextInstanceId, StepRecord } from './cluster-state.js';
import type { ClusterStore } from './cluster-store.js';
import { OperationTimeline } from './operation-timeline.js';
import { withTargetLock } from './target-lock.js';

/** Simulated durations in seconds at TASKDECK_TIME_SCALE=1. */
const SECONDS = { boot: 1, health: 0.5, drain: 0.5, stop: 0.5 };
export const MAX_INSTANCES = 50;

const input = z.strictObject({
  serviceName: z.string().min(1).describe('Service to scale, e.g. "billing" (see list_services)'),
  environment: Environment.describe('Environment whose instance count changes'),
  targetInstances: z
    .number()
    .int()
    .min(0)
    .max(MAX_INSTANCES)
    .describe(`Instance count wanted, 0 to ${MAX_INSTANCES}`),
});

const output = z.object({
  service: z.string(),
  environment: Environment,
  fromInstances: z.number().int(),
  toInstances: z.number().int(),
  outcome: z.enum(['succeeded', 'unchanged']),
  operationId: z.string().optional(),
  steps: z.array(StepRecord),
});

export function registerScaleService(server: TaskServer, store: ClusterStore, timeScale: number): void {
  server.taskTool({
    name: 'scale_service',
    title: 'Scale service',
    description:
      'Changes how many instances of a service run in an environment, one instance at a time. ' +
      'A cancel stops after the instance in progress: the count stays at what was reached, never half-made.',
    input,
    output,
    taskSupport: 'optional',
    annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    run: (args, ctx) => scale(args, ctx, store, timeScale),
  });
}

async function scale(
  args: z.output<typeof input>,
  ctx: ToolContext,
  store: ClusterStore,
  timeScale: number,
): Promise<CallToolResult> {
  const { environment, targetInstances } = args;
  const service = findService(store.state, args.serviceName);
  return withTargetLock(store, service.name, environment, ctx, async () => {
    const env = service.environments[environment];
    const from = env.instances.length;
    const target = `${service.name} in ${environment}`;
    const timeline = new OperationTimeline(ctx, Math.max(1, Math.abs(targetInstances - from) * 2), timeScale);
    const summary = { service: service.name, environment, fromInstances: from, toInstances: targetInstances };
    if (from === targetInstances) {
      const message = `${target} already runs ${from} instance(s); nothing to do.`;
      timeline.complete(message);
      return textResult(message, { ...summary, outcome: 'unchanged', steps: [] } satisfies z.output<
        typeof output
      >);
    }
    const startedAt = new Date().toISOString();
    const finish = (outcome: 'succeeded' | 'failed' | 'cancelled', message: string) =>
      store.recordOperation({
        kind: 'scale',
        service: service.name,
        environment,
        from: String(from),
        to: String(env.instances.length),
        outcome,
        message,
        taskId: ctx.taskId,
        startedAt,
        steps: timeline.steps,
      });
    try {
      // An instance joins the state only once healthy and leaves it only once stopped,
      // so a cancel between or inside steps leaves a count that is really running.
      while (env.instances.length < targetInstances) {
        const id = nextInstanceId(store.state, service.name, environment);
        const label = `Instance ${env.instances.length + 1}/${targetInstances} (${id})`;
        await timeline.step(`boot ${id}`, `${label}: booting ${env.version}`, SECONDS.boot);
        await timeline.step(`health ${id}`, `${label}: health check`, SECONDS.health);
        env.instances.push({ id, version: env.version });
        await store.save();
      }
      while (env.instances.length > targetInstances) {
        const instance = env.instances.at(-1) as { id: string };
        const label = `Removing ${instance.id} (${env.instances.length} → ${env.instances.length - 1})`;
        await timeline.step(`drain ${instance.id}`, `${label}: draining traffic`, SECONDS.drain);
        await timeline.step(`stop ${instance.id}`, `${label}: stopping`, SECONDS.stop);
        env.instances.pop();
        await store.save();
      }
      env.updatedAt = new Date().toISOString();
      const message = `Scaled ${target} from ${from} to ${targetInstances} instance(s).`;
      const operationId = await finish('succeeded', message);
      timeline.complete(message);
      return textResult(message, {
        ...summary,
        outcome: 'succeeded',
        operationId,
        steps: timeline.steps,
      } satisfies z.output<typeof output>);
    } catch (error) {
      const reached = env.instances.length;
      const how = ctx.signal.aborted ? 'cancelled' : `failed (${(error as Error).message})`;
      await finish(
        ctx.signal.aborted ? 'cancelled' : 'failed',
        `Scaling ${target} ${how} at ${reached} instance(s).`,
      );
      throw error;
    }
  });
}
