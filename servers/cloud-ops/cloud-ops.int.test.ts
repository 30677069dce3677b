import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpHarness, SERVERS_DIR, structured, textOf } from '../../test/mcp-harness.js';

const ServiceList = z.object({
  services: z.array(
    z.object({
      name: z.string(),
      environments: z.array(
        z.object({
          environment: z.string(),
          version: z.string(),
          instances: z.number(),
          runningVersions: z.array(z.string()),
        }),
      ),
    }),
  ),
  notice: z.string().optional(),
});
const History = z.object({
  operations: z.array(
    z.object({
      kind: z.string(),
      outcome: z.string(),
      message: z.string(),
      from: z.string(),
      to: z.string(),
    }),
  ),
  total: z.number(),
});
const DeployOutput = z.object({
  outcome: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  steps: z.array(z.object({ name: z.string(), status: z.string() })),
});

const harnesses: McpHarness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(options: Parameters<typeof McpHarness.start>[1] = {}) {
  const harness = await McpHarness.start('cloud-ops', options);
  harnesses.push(harness);
  return harness;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-ops-test-'));
  dirs.push(dir);
  return dir;
}

async function environment(h: McpHarness, service: string, env: string) {
  const { result } = await h.call('list_services', {});
  const list = structured(result, ServiceList);
  const found = list.services
    .find((s) => s.name === service)
    ?.environments.find((e) => e.environment === env);
  if (!found) throw new Error(`no ${service}/${env}`);
  return found;
}

async function history(h: McpHarness, serviceName: string) {
  const { result } = await h.call('get_deployment_history', { serviceName });
  return structured(result, History).operations;
}

const accept = () => ({ action: 'accept' as const, content: {} });

describe('cloud-ops over stdio', () => {
  it('lists its tools with honest task support', async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    const support = Object.fromEntries(tools.map((t) => [t.name, t.execution?.taskSupport]));
    expect(support).toEqual({
      deploy_service: 'optional',
      scale_service: 'optional',
      list_services: 'forbidden',
      get_deployment_history: 'forbidden',
    });
    const deploy = tools.find((t) => t.name === 'deploy_service');
    expect(deploy?.inputSchema.required).toEqual(['serviceName', 'version', 'environment']);
    expect(deploy?.inputSchema.properties?.environment).toMatchObject({ enum: ['dev', 'staging', 'prod'] });
    expect(deploy?.outputSchema).toBeDefined();
  });

  it('runs a deploy as a task: listed, progress and status notified, result via tasks/result, state persisted', async () => {
    const h = await start();
    const { task, progressToken } = await h.startTask('deploy_service', {
      serviceName: 'billing',
      version: '3.1.0',
      environment: 'staging',
    });
    expect(task.status).toBe('working');
    const listed = await h.client.experimental.tasks.listTasks();
    expect(listed.tasks.map((t) => t.taskId)).toContain(task.taskId);

    const result = await h.result(task.taskId);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('Deployed billing 3.1.0 to staging (2 instances, was 3.0.4).');
    const output = structured(result, DeployOutput);
    expect(output).toMatchObject({ outcome: 'succeeded', fromVersion: '3.0.4', toVersion: '3.1.0' });
    expect(output.steps.map((s) => s.name)).toEqual([
      'validate',
      'pull',
      ...['billing-staging-9', 'billing-staging-10'].flatMap((id) => [
        `drain ${id}`,
        `start ${id}`,
        `health ${id}`,
      ]),
      'complete',
    ]);

    await h.waitForStatus(task.taskId, 'completed');
    const progress = h.progressOf(progressToken);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ progress: 9, total: 9 });
    expect(progress.map((p) => p.progress)).toEqual(
      [...progress.map((p) => p.progress)].sort((a, b) => a - b),
    );
    expect((await h.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe(textOf(result));
    expect(
      h.logs.some((l) => l.taskId === task.taskId && String(l.data).includes('Pulling image billing:3.1.0')),
    ).toBe(true);

    expect(await environment(h, 'billing', 'staging')).toMatchObject({
      version: '3.1.0',
      runningVersions: ['3.1.0'],
    });
    const saved = JSON.parse(readFileSync(join(h.dataDir, 'cloud-ops', 'cluster.json'), 'utf8'));
    const billing = saved.services.find((s: { name: string }) => s.name === 'billing');
    expect(billing.environments.staging.version).toBe('3.1.0');
    expect((await history(h, 'billing'))[0]).toMatchObject({
      kind: 'deploy',
      outcome: 'succeeded',
      from: '3.0.4',
    });
  });

  it('cancel stops a deploy: no progress after it, every updated instance rolled back', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.2' } });
    const before = await environment(h, 'api-gateway', 'staging');
    const { task, progressToken } = await h.startTask('deploy_service', {
      serviceName: 'api-gateway',
      version: '1.9.0',
      environment: 'staging',
    });
    // Wait until the first instance runs the new version, then cancel mid-rollout.
    await h.until(
      () =>
        h
          .progressOf(progressToken)
          .some((p) => p.message?.includes('Instance 1/2') && p.message.includes('starting')),
      'the rollout to reach instance 1',
    );
    const cancelled = await h.client.experimental.tasks.cancelTask(task.taskId);
    const cancelledAt = Date.now();
    expect(cancelled.status).toBe('cancelled');
    await h.waitForStatus(task.taskId, 'cancelled');

    await new Promise((r) => setTimeout(r, 600));
    expect(h.progressOf(progressToken).filter((p) => p.at > cancelledAt)).toEqual([]);
    expect(h.transitionsOf(task.taskId)).toEqual(['working', 'cancelled']);
    expect(await environment(h, 'api-gateway', 'staging')).toMatchObject({
      version: before.version,
      runningVersions: [before.version],
    });
    const [last] = await history(h, 'api-gateway');
    expect(last).toMatchObject({ outcome: 'cancelled' });
    expect(last?.message).toMatch(/rolled back 1 instance\(s\) to 1\.4\.2/);
  });

  it('asks before a prod deploy, with nothing to fill in, and continues when the user accepts', async () => {
    const asked: string[] = [];
    const h = await start({
      onElicit: (request) => {
        asked.push(request.message);
        // Accept or decline only: no field that a client could send unticked.
        expect('requestedSchema' in request && request.requestedSchema).toEqual({
          type: 'object',
          properties: {},
        });
        return accept();
      },
    });
    const { task } = await h.startTask('deploy_service', {
      serviceName: 'web-frontend',
      version: '2.12.0',
      environment: 'prod',
    });
    await h.waitForStatus(task.taskId, 'input_required');
    const result = await h.result(task.taskId);
    expect(asked).toEqual([
      'Deploy web-frontend 2.12.0 to production? 3 instance(s) now run 2.11.5; they are updated one at a time.',
    ]);
    expect(result.isError).toBeFalsy();
    expect(h.transitionsOf(task.taskId)).toEqual(['working', 'input_required', 'working', 'completed']);
    expect((await environment(h, 'web-frontend', 'prod')).version).toBe('2.12.0');
  });

  it.each([
    ['declines', { action: 'decline' as const }, 'declined'],
    ['dismisses the dialog', { action: 'cancel' as const }, 'dismissed'],
  ])('ends a prod deploy cancelled with nothing changed when the user %s', async (_name, answer, how) => {
    const h = await start({ onElicit: () => answer });
    const before = await environment(h, 'web-frontend', 'prod');
    const { task } = await h.startTask('deploy_service', {
      serviceName: 'web-frontend',
      version: '2.13.0',
      environment: 'prod',
    });
    const result = await h.result(task.taskId);
    const message = `Production deploy of web-frontend 2.13.0 was ${how}; nothing changed.`;
    expect(textOf(result)).toBe(message);
    await h.waitForStatus(task.taskId, 'cancelled');
    expect((await h.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe(message);
    expect(await environment(h, 'web-frontend', 'prod')).toEqual(before);
    expect((await history(h, 'web-frontend'))[0]).toMatchObject({ outcome: 'declined', message });
  });

  it('fails a prod deploy clearly when the client cannot ask the user', async () => {
    const h = await start();
    const { task } = await h.startTask('deploy_service', {
      serviceName: 'billing',
      version: '3.2.0',
      environment: 'prod',
    });
    await h.waitForStatus(task.taskId, 'failed');
    expect((await h.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe(
      'Production deploys need your confirmation, but it could not be asked: Client does not support form elicitation.',
    );
  });

  it('rolls back and fails when a health check fails, leaving the state as it was', async () => {
    const h = await start();
    const before = await environment(h, 'search-indexer', 'staging');
    const { task } = await h.startTask('deploy_service', {
      serviceName: 'search-indexer',
      version: '1.0.0-broken',
      environment: 'staging',
    });
    const result = await h.result(task.taskId);
    await h.waitForStatus(task.taskId, 'failed');
    const message =
      'Deploy of search-indexer 1.0.0-broken to staging health check failed on search-indexer-staging-15: ' +
      '/healthz answered 503 after start; rolled back 1 instance(s) to 0.9.3.';
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(message);
    expect(structured(result, DeployOutput).steps.map((s) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'failed',
      'rolled_back',
    ]);
    expect((await h.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe(message);
    expect(await environment(h, 'search-indexer', 'staging')).toEqual(before);
  });

  it('scales one instance at a time, up and down', async () => {
    const h = await start();
    const up = await h.startTask('scale_service', {
      serviceName: 'billing',
      environment: 'dev',
      targetInstances: 3,
    });
    expect(textOf(await h.result(up.task.taskId))).toBe('Scaled billing in dev from 1 to 3 instance(s).');
    expect(h.progressOf(up.progressToken).at(-1)).toMatchObject({ progress: 4, total: 4 });
    expect((await environment(h, 'billing', 'dev')).instances).toBe(3);
    const down = await h.call('scale_service', {
      serviceName: 'billing',
      environment: 'dev',
      targetInstances: 0,
    });
    expect(textOf(down.result)).toBe('Scaled billing in dev from 3 to 0 instance(s).');
    expect((await environment(h, 'billing', 'dev')).instances).toBe(0);
    const same = await h.call('scale_service', {
      serviceName: 'billing',
      environment: 'dev',
      targetInstances: 0,
    });
    expect(textOf(same.result)).toBe('billing in dev already runs 0 instance(s); nothing to do.');
  });

  it('cancel mid-scale leaves a consistent count, in memory and on disk', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.2' } });
    const { task, progressToken } = await h.startTask('scale_service', {
      serviceName: 'web-frontend',
      environment: 'staging',
      targetInstances: 10,
    });
    await h.until(
      () => h.progressOf(progressToken).some((p) => p.progress >= 3),
      'two instances to be added',
    );
    await h.client.experimental.tasks.cancelTask(task.taskId);
    await h.waitForStatus(task.taskId, 'cancelled');
    await new Promise((r) => setTimeout(r, 300));
    const env = await environment(h, 'web-frontend', 'staging');
    expect(env.instances).toBeGreaterThanOrEqual(3);
    expect(env.instances).toBeLessThan(10);
    const saved = JSON.parse(readFileSync(join(h.dataDir, 'cloud-ops', 'cluster.json'), 'utf8'));
    const onDisk = saved.services.find((s: { name: string }) => s.name === 'web-frontend').environments
      .staging;
    expect(onDisk.instances).toHaveLength(env.instances);
    expect((await history(h, 'web-frontend'))[0]).toMatchObject({
      kind: 'scale',
      outcome: 'cancelled',
      to: String(env.instances),
    });
  });

  it('queues a second operation on the same target until the first ends', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.05' } });
    const first = await h.startTask('deploy_service', {
      serviceName: 'billing',
      version: '3.0.5',
      environment: 'staging',
    });
    const second = await h.startTask('scale_service', {
      serviceName: 'billing',
      environment: 'staging',
      targetInstances: 3,
    });
    await h.until(
      () =>
        h.statuses.some(
          (s) =>
            s.taskId === second.task.taskId && s.statusMessage?.startsWith('Waiting for another operation'),
        ),
      'the second task to wait',
    );
    await h.result(first.task.taskId);
    expect(textOf(await h.result(second.task.taskId))).toBe(
      'Scaled billing in staging from 2 to 3 instance(s).',
    );
    const env = await environment(h, 'billing', 'staging');
    expect(env).toMatchObject({ version: '3.0.5', instances: 3, runningVersions: ['3.0.5'] });
  });

  it('answers a dry run with the plan and changes nothing', async () => {
    const h = await start();
    const { result } = await h.call('deploy_service', {
      serviceName: 'api-gateway',
      version: '2.0.0',
      environment: 'prod',
      dryRun: true,
    });
    expect(textOf(result)).toMatch(
      /^Dry run: deploy api-gateway 1\.4\.2 → 2\.0\.0 in prod\. Nothing was changed\./,
    );
    expect(structured(result, DeployOutput).outcome).toBe('planned');
    expect((await environment(h, 'api-gateway', 'prod')).version).toBe('1.4.2');
    expect(await history(h, 'api-gateway')).toEqual([]);
  });

  it.each([
    ['deploy_service', { version: '1.0.0', environment: 'dev' }, 'serviceName: is required'],
    [
      'deploy_service',
      { serviceName: 'billing', version: '1.0.0', environment: 'qa' },
      'environment: must be one of "dev", "staging", "prod" (got "qa")',
    ],
    [
      'deploy_service',
      { serviceName: 'billing', version: 'latest', environment: 'dev' },
      'version: must be a version like',
    ],
    [
      'scale_service',
      { serviceName: 'billing', environment: 'dev', targetInstances: -1 },
      'targetInstances: Too small: expected number to be >=0 (got -1)',
    ],
    [
      'scale_service',
      { serviceName: 'billing', environment: 'dev', targetInstances: 1.5 },
      'targetInstances: Invalid input: expected int',
    ],
    [
      'deploy_service',
      { serviceName: 'nope', version: '1.0.0', environment: 'dev' },
      'Unknown service "nope". Known services: api-gateway, billing, search-indexer, web-frontend.',
    ],
    [
      'scale_service',
      { serviceName: 'nope', environment: 'dev', targetInstances: 2 },
      'Unknown service "nope".',
    ],
  ])(
    'gives a clear error for bad %s arguments %j, as a task and as a plain call',
    async (tool, args, message) => {
      const h = await start();
      const { task } = await h.startTask(tool, args);
      await h.waitForStatus(task.taskId, 'failed');
      expect((await h.client.experimental.tasks.getTask(task.taskId)).statusMessage).toContain(message);
      const { result } = await h.call(tool, args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(message);
      // Still serving.
      expect((await environment(h, 'billing', 'dev')).version).toBe('3.1.0');
    },
  );

  it('rejects unknown services and bad filters in the plain tools', async () => {
    const h = await start();
    const unknown = await h.call('get_deployment_history', { serviceName: 'ghost' });
    expect(unknown.result).toMatchObject({ isError: true });
    expect(textOf(unknown.result)).toMatch(/^Unknown service "ghost"/);
    const bad = await h.call('list_services', { environment: 'moon' });
    expect(textOf(bad.result)).toBe(
      'Invalid arguments for list_services: environment: must be one of "dev", "staging", "prod" (got "moon")',
    );
  });

  it('answers tasks/cancel of a finished task with -32602', async () => {
    const h = await start();
    const { task } = await h.startTask('scale_service', {
      serviceName: 'billing',
      environment: 'dev',
      targetInstances: 1,
    });
    await h.result(task.taskId);
    await expect(h.client.experimental.tasks.cancelTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
  });

  it('keeps its state across restarts', async () => {
    const dataDir = tempDir();
    const first = await start({ env: { TASKDECK_DATA_DIR: dataDir } });
    await first.call('deploy_service', { serviceName: 'billing', version: '3.1.1', environment: 'dev' });
    await first.close();
    harnesses.splice(harnesses.indexOf(first), 1);
    const second = await start({ env: { TASKDECK_DATA_DIR: dataDir } });
    expect((await environment(second, 'billing', 'dev')).version).toBe('3.1.1');
    expect((await history(second, 'billing'))[0]).toMatchObject({ outcome: 'succeeded', to: '3.1.1' });
  });

  it('starts fresh with a clear message when the state file is corrupt, keeping the old file', async () => {
    const dataDir = tempDir();
    const stateDir = join(dataDir, 'cloud-ops');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'cluster.json'), '{"schemaVersion": 1, "services": [');
    const h = await start({ env: { TASKDECK_DATA_DIR: dataDir } });
    const { result } = await h.call('list_services', {});
    const list = structured(result, ServiceList);
    expect(list.notice).toMatch(/^The saved cluster state is not valid JSON \(/);
    expect(list.services).toHaveLength(4);
    const backup = readdirSync(stateDir).find((f) => f.startsWith('cluster.json.corrupt-'));
    expect(backup).toBeDefined();
    expect(readFileSync(join(stateDir, backup as string), 'utf8')).toBe('{"schemaVersion": 1, "services": [');
    expect(h.stderr).toContain('The saved cluster state is not valid JSON');
  });

  it('moves a folder standing where the state file goes aside and starts fresh', async () => {
    const dataDir = tempDir();
    const stateDir = join(dataDir, 'cloud-ops');
    mkdirSync(join(stateDir, 'cluster.json', 'inside'), { recursive: true });
    const h = await start({ env: { TASKDECK_DATA_DIR: dataDir } });
    const list = structured((await h.call('list_services', {})).result, ServiceList);
    expect(list.notice).toMatch(
      /^The saved cluster state cannot be read \(EISDIR.*\); it was moved to .*cluster\.json\.corrupt-.* and a fresh cluster was created\.$/,
    );
    expect(list.services).toHaveLength(4);
    const backup = readdirSync(stateDir).find((f) => f.startsWith('cluster.json.corrupt-'));
    expect(readdirSync(join(stateDir, backup as string))).toEqual(['inside']);
    expect(h.stderr).toContain('warn: The saved cluster state cannot be read (EISDIR');
    const deployed = await h.call('deploy_service', {
      serviceName: 'billing',
      version: '3.1.1',
      environment: 'dev',
    });
    expect(deployed.result.isError).toBeFalsy();
  });

  it('keeps serving with a clear error when the state can be neither read nor moved aside', async () => {
    const dataDir = tempDir();
    // A file where the state folder goes: nothing below it can be read, written or renamed.
    writeFileSync(join(dataDir, 'cloud-ops'), 'not a folder');
    const h = await start({ env: { TASKDECK_DATA_DIR: dataDir } });
    const tools = await h.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('deploy_service');
    const reason = new RegExp(
      `^The saved cluster state ${join(dataDir, 'cloud-ops', 'cluster.json')} cannot be read \\(ENOTDIR.*\\) and could not be moved aside \\(ENOTDIR.*\\)\\. Repair or remove it, then restart cloud-ops\\.$`,
    );
    const list = await h.call('list_services', {});
    expect(list.result.isError).toBe(true);
    expect(textOf(list.result)).toMatch(reason);
    const deployed = await h.call('deploy_service', {
      serviceName: 'billing',
      version: '3.1.1',
      environment: 'dev',
    });
    expect(deployed.result.isError).toBe(true);
    expect(textOf(deployed.result)).toMatch(reason);
    expect(h.stderr).toMatch(/error: The saved cluster state .* cannot be read \(ENOTDIR/);
    // Still answering, and the file it could not use is untouched.
    expect((await h.client.listTools()).tools.length).toBe(tools.tools.length);
    expect(readFileSync(join(dataDir, 'cloud-ops'), 'utf8')).toBe('not a folder');
  });
});

describe('cloud-ops process', () => {
  function spawnServer(dataDir: string) {
    const child = spawn(process.execPath, [join(SERVERS_DIR, 'cloud-ops.js')], {
      env: { PATH: process.env.PATH, TASKDECK_DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, stdout: () => stdout };
  }

  it('survives garbage on stdin and keeps answering', async () => {
    const { child, exited, stdout } = spawnServer(tempDir());
    child.stdin.write('this is not json\n{"jsonrpc":"2.0","id":1,"method":"no/such"}\n{"broken":\n');
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    const deadline = Date.now() + 10_000;
    while (!stdout().includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stdout()).toContain('"id":1,"error":{"code":-32601');
    const initialize = stdout()
      .split('\n')
      .find((line) => line.includes('"id":2'));
    expect(JSON.parse(initialize as string)).toMatchObject({
      id: 2,
      result: { protocolVersion: '2025-11-25' },
    });
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('exits cleanly when its client closes stdin', async () => {
    const dataDir = tempDir();
    const { child, exited } = spawnServer(dataDir);
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'cloud-ops', 'cluster.json'))).toBe(true);
  });
});
