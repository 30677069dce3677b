import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpMcpServer } from '../../../packages/hub/test/http-mcp-server.js';
import { TestAuthorizationServer } from '../../../packages/hub/test/test-authorization-server.js';
import { runCli } from '../test/cli-process.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (args: string[], options: { timeScale?: string; stdin?: string } = {}) =>
  runCli(args, { dataDir, timeScale: options.timeScale ?? '0.01', stdin: options.stdin });

async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const deployArgs = (version: string, environment = 'dev') => [
  'call',
  'cloud-ops',
  'deploy_service',
  '--arg',
  'serviceName=billing',
  '--arg',
  `version=${version}`,
  '--arg',
  `environment=${environment}`,
];

describe('taskdeck CLI', () => {
  it('calls a tool, shows plain progress when not on a terminal, prints the result, exits 0', async () => {
    const r = run(deployArgs('4.0.0'), { timeScale: '0.3' });
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toBe('Deployed billing 4.0.0 to dev (1 instances, was 3.1.0).\n');
    expect(r.stderr()).toMatch(/^working {2}\d+% \(\d+\/6\) {2}/m);
    expect(r.stderr()).not.toContain('\r');
    expect(r.stderr()).not.toContain('\u001b');
    // Its own hub started only the server called (each server started writes its log).
    expect(readdirSync(join(dataDir, 'logs'))).toEqual(['cloud-ops.log']);
  });

  it('prints JSON with --output json and types --arg values by the tool schema', async () => {
    const r = run([
      'call',
      'cloud-ops',
      'scale_service',
      '--arg',
      'serviceName=billing',
      '--arg',
      'environment=dev',
      '--arg',
      'targetInstances=2',
      '--output',
      'json',
    ]);
    expect(await r.exited).toBe(0);
    const printed = JSON.parse(r.stdout());
    expect(printed).toMatchObject({
      status: 'completed',
      result: { structuredContent: { fromInstances: 1, toInstances: 2 } },
    });
  });

  it('exits 1 with the reason when the tool fails, and 2 on usage errors', async () => {
    const failing = run([...deployArgs('4.0.1'), '--arg', 'serviceName=nosuch']);
    expect(await failing.exited).toBe(1);
    expect(failing.stderr()).toMatch(/^Task failed: Unknown service "nosuch"\. Known services: /m);
    const bad = run(deployArgs('4.0.1', 'qa'));
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toContain('--arg environment: Choose one of: dev, staging, prod (got "qa")');
    const unknown = run(['call', 'nowhere', 'x']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toMatch(/Unknown server "nowhere"\. Servers: (.*, )?cloud-ops/);
    const notNumber = run(['call', 'cloud-ops', 'scale_service', '--arg', 'targetInstances=many']);
    expect(await notNumber.exited).toBe(1);
    expect(notNumber.stderr()).toContain('--arg targetInstances: Enter a number (got "many")');
    const noCommand = run(['frobnicate']);
    expect(await noCommand.exited).toBe(2);
    expect(noCommand.stderr()).toContain('Unknown command "frobnicate".');
    const unknownOption = run(['tasks', '--bogus']);
    expect(await unknownOption.exited).toBe(2);
    expect(unknownOption.stderr()).toContain("Unknown option '--bogus'");
    expect(unknownOption.stderr()).toContain('Usage:');
  });

  it('cancels the task on Ctrl-C (SIGINT) and exits 130', async () => {
    const r = run(deployArgs('4.1.0', 'staging'), { timeScale: '1' });
    await until(() => r.stderr().includes('Pulling image'), 'the deploy to start');
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(r.stderr()).toContain('Cancelling… (Ctrl-C again to quit)');
    const tasks = run(['tasks']);
    expect(await tasks.exited).toBe(0);
    expect(tasks.stdout()).toMatch(/cancelled .* cloud-ops\/deploy_service/);
  });

  it('asks for input in the terminal and sends the answer', async () => {
    const yes = run(deployArgs('4.2.0', 'prod'), { stdin: 'y\ny\n' });
    expect(await yes.exited).toBe(0);
    expect(yes.stderr()).toContain('Deploy billing 4.2.0 to production?');
    expect(yes.stdout()).toContain('Deployed billing 4.2.0 to prod');
    const no = run(deployArgs('4.3.0', 'prod'), { stdin: 'n\n' });
    expect(await no.exited).toBe(130);
    expect(no.stdout()).toBe('');
    expect(no.stderr()).toContain(
      'Task cancelled: Production deploy of billing 4.3.0 was declined; nothing changed.',
    );
  });

  it('lists, shows and cancels tasks of another running taskdeck', async () => {
    // Long enough (30 instances, 1.5 s each) to still run however slow the machine is.
    const long = run(
      [
        'call',
        'cloud-ops',
        'scale_service',
        '--arg',
        'serviceName=billing',
        '--arg',
        'environment=staging',
        '--arg',
        'targetInstances=32',
      ],
      { timeScale: '1' },
    );
    await until(() => long.stderr().includes('booting'), 'the scale-up to start');
    const tasks = run(['tasks']);
    expect(await tasks.exited).toBe(0);
    const id = /^([0-9a-f]{8}) .* working /m.exec(tasks.stdout())?.[1];
    expect(id).toBeDefined();
    const cancel = run(['cancel', id as string]);
    expect(await cancel.exited, cancel.stderr()).toBe(0);
    expect(cancel.stdout()).toBe(`Task ${id} cancelled.\n`);
    expect(await long.exited).toBe(130);
    const show = run(['show', id as string]);
    expect(await show.exited).toBe(0);
    expect(show.stdout()).toMatch(/cloud-ops\/scale_service {2}cancelled/);
    expect(show.stdout()).toMatch(/timeline\n .* working\n .* cancelled/);
    const again = run(['cancel', id as string]);
    expect(await again.exited).toBe(1);
    expect(again.stderr()).toContain('already ended (cancelled)');
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'stops its own hub and servers on %s (a closed terminal), and the task reads interrupted',
    async (signal) => {
      const r = run(deployArgs(signal === 'SIGTERM' ? '4.6.0' : '4.7.0', 'staging'), { timeScale: '1' });
      await until(() => r.stderr().includes('Pulling image'), 'the deploy to start');
      r.child.kill(signal);
      expect(await r.exited).toBe(signal === 'SIGTERM' ? 143 : 129);
      // The hub shut down before the exit: lock released, endpoint gone, the task ended on record.
      expect(existsSync(join(dataDir, 'hub.lock'))).toBe(false);
      expect(existsSync(join(dataDir, 'endpoint.json'))).toBe(false);
      const tasks = run(['tasks']);
      expect(await tasks.exited).toBe(0);
      expect(tasks.stdout()).toMatch(/interrupted .* cloud-ops\/deploy_service/);
    },
  );

  it('shows a task as interrupted after its taskdeck was killed, and leaves no server behind', async () => {
    const r = run(deployArgs('4.5.0', 'staging'), { timeScale: '1' });
    await until(() => r.stderr().includes('Pulling image'), 'the deploy to start');
    const log = readFileSync(join(dataDir, 'logs', 'cloud-ops.log'), 'utf8');
    const serverPid = Number(/ready \(pid (\d+)\)/.exec(log)?.[1]);
    expect(serverPid).toBeGreaterThan(0);
    r.child.kill('SIGKILL');
    await r.exited;
    // The server sees its stdin close and exits.
    await until(() => {
      try {
        return (
          execFileSync('ps', ['-o', 'pid=', '-p', String(serverPid)])
            .toString()
            .trim() === ''
        );
      } catch {
        return true;
      }
    }, 'the orphaned server to exit');
    const tasks = run(['tasks']);
    expect(await tasks.exited).toBe(0);
    expect(tasks.stdout()).toMatch(/interrupted .* cloud-ops\/deploy_service/);
  });

  it('is refused a file until it is granted, says how to grant, and is refused again once revoked', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'taskdeck-cli-data-'));
    try {
      const file = join(folder, 'data.csv');
      writeFileSync(file, 'id,city\n1,Oslo\n2,Rome\n');
      const profile = () => run(['call', 'analytics', 'analyze_csv', '--arg', `filePath=${file}`]);
      const refused = profile();
      expect(await refused.exited).toBe(1);
      expect(refused.stderr()).toContain(
        `Access denied: ${file} is outside the folders and files you granted`,
      );
      expect(refused.stderr()).toContain(`in a terminal, run: taskdeck grant ${file}`);

      const grant = run(['grant', file]);
      expect(await grant.exited).toBe(0);
      expect(grant.stdout()).toContain(`The servers may now read:\n  ${file}`);
      const works = profile();
      expect(await works.exited).toBe(0);
      expect(works.stdout()).toMatch(/2 rows/);

      const revoke = run(['revoke', file]);
      expect(await revoke.exited).toBe(0);
      expect(revoke.stdout()).toContain(`Revoked ${file}.`);
      const again = profile();
      expect(await again.exited).toBe(1);
      expect(again.stderr()).toContain('Access denied');

      const help = run(['--help']);
      expect(await help.exited).toBe(0);
      expect(help.stdout()).toMatch(
        /taskdeck grant <path>\.\.\. +let the servers read these files or folders/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('profiles the sample data it generated without a grant: the samples folder is the app’s own', async () => {
    const generate = run([
      'call',
      'analytics',
      'generate_sample_data',
      '--arg',
      'format=csv',
      '--arg',
      'recordCount=50',
      '--output',
      'json',
    ]);
    expect(await generate.exited).toBe(0);
    const written = JSON.parse(generate.stdout()).result.structuredContent.path as string;
    expect(written.startsWith(join(dataDir, 'samples'))).toBe(true);
    const profile = run(['call', 'analytics', 'analyze_csv', '--arg', `filePath=${written}`]);
    expect(await profile.exited).toBe(0);
    expect(profile.stdout()).toMatch(/50 rows/);
  });
});

describe('taskdeck sign-in and sign-out', () => {
  it('prints the address when no browser opens, finishes at the loopback redirect, and signs out', async () => {
    const as = await TestAuthorizationServer.start({ scopes: ['mcp'] });
    const server = await HttpMcpServer.start({ oauth: { authorizationServer: as, scopes: ['mcp'] } });
    try {
      writeFileSync(
        join(dataDir, 'servers.json'),
        JSON.stringify({ mcpServers: { remote: { url: server.url } } }),
      );
      const before = run(['call', 'remote', 'echo', '--arg', 'text=hi']);
      expect(await before.exited).toBe(1);
      expect(before.stderr()).toMatch(
        /^taskdeck: Server remote needs sign-in: run taskdeck sign-in remote \(/,
      );
      const r = run(['sign-in', 'remote']);
      await until(() => r.stderr().includes('  http'), 'the address');
      expect(r.stderr()).toMatch(
        /^To sign in to remote, open this address in a browser:\n {2}http:\/\/127\.0\.0\.1:\d+\/authorize\?/,
      );
      const url = r.stderr().split('\n')[1]?.trim() as string;
      expect(new URL(url).searchParams.get('scope')).toBe('mcp');
      expect((await as.browse(url)).status).toBe(200);
      expect(await r.exited).toBe(0);
      expect(r.stdout()).toBe('Signed in to remote (scope: mcp).\n');

      const servers = run(['servers']);
      expect(await servers.exited).toBe(0);
      expect(servers.stdout()).toMatch(/^remote +ready +4 tools/m);
      const echo = run(['call', 'remote', 'echo', '--arg', 'text=hi']);
      expect(await echo.exited).toBe(0);
      expect(echo.stdout()).toBe('hi\n');
      const out = run(['sign-out', 'remote']);
      expect(await out.exited).toBe(0);
      expect(out.stdout()).toBe('Signed out of remote.\n');
      expect(JSON.parse(readFileSync(join(dataDir, 'auth', 'credentials.json'), 'utf8')).servers).toEqual({});
    } finally {
      await server.stop();
      await as.stop();
    }
  });

  it('says why a sign-in did not finish, and exits 1', async () => {
    const as = await TestAuthorizationServer.start({ consentPage: true });
    const server = await HttpMcpServer.start({ oauth: { authorizationServer: as, scopes: ['mcp'] } });
    try {
      writeFileSync(
        join(dataDir, 'servers.json'),
        JSON.stringify({ mcpServers: { remote: { url: server.url } } }),
      );
      const r = run(['sign-in', 'remote']);
      await until(() => r.stderr().includes('  http'), 'the address');
      await as.browse(r.stderr().split('\n')[1]?.trim() as string, 'deny');
      expect(await r.exited).toBe(1);
      expect(r.stderr()).toContain(
        'taskdeck: Signing in to remote did not finish: signing in failed: the authorization server answered access_denied (The user denied access)',
      );
      const unknown = run(['sign-in', 'nope']);
      expect(await unknown.exited).toBe(2);
    } finally {
      await server.stop();
      await as.stop();
    }
  });
});
