#!/usr/bin/env node
// `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance)
// for spec 2025-11-25, over Streamable HTTP. Server scenarios run against our servers started
// with --http on 127.0.0.1 (a bundled server, and test/conformance/fixture-server.ts for the
// scenarios that call the suite's own tools by name); client scenarios run a client command
// against the suite's servers. The suite needs Node 22 or newer: when this Node is older, the
// `node` package from the npm registry provides one (downloaded once into npm's cache).
// Prints `<scenario> pass|fail [reason]` per scenario and `N passed, N failed` last; writes
// test-results/conformance/results.json; exits non-zero on an unexpected failure.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildServers, bundleNodeEntry } from './build-servers.mjs';
import { startHttpServer } from './http-server-process.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_VERSION = '2025-11-25';
/** The Node the suite runs on when this one is older than 22. */
const NODE_22 = 'node@22.23.3';
export const RESULTS_DIR = join(root, 'test-results', 'conformance');
export const RESULTS_FILE = join(RESULTS_DIR, 'results.json');
/** `{ "<scenario>": "<why it fails>" }`: failures we know of and accept, each with its reason. */
const EXPECTED_FAILURES_FILE = join(root, 'test', 'conformance', 'expected-failures.json');
const FIXTURE = {
  entry: join(root, 'test', 'conformance', 'fixture-server.ts'),
  outfile: join(root, 'out', 'conformance', 'fixture-server.js'),
};
/** Our client under test: the hub, driven as the app drives it (test/conformance/client.ts). */
const CLIENT = {
  entry: join(root, 'test', 'conformance', 'client.ts'),
  outfile: join(root, 'out', 'conformance', 'client.js'),
};

/**
 * @typedef {{ name: string, kind: 'server', target: keyof typeof TARGETS }
 *   | { name: string, kind: 'client' }} Scenario
 */

/** The servers that server scenarios run against. */
const TARGETS = {
  'cloud-ops': join(root, 'out', 'servers', 'cloud-ops.js'),
  fixture: FIXTURE.outfile,
};

/** @type {Scenario[]} */
export const SCENARIOS = [
  // Server scenarios that need no tool of the suite's own: a bundled server as shipped.
  ...[
    'server-initialize',
    'server-session-lifecycle',
    'ping',
    'logging-set-level',
    'tools-list',
    'server-sse-multiple-streams',
    'dns-rebinding-protection',
  ].map((name) => /** @type {Scenario} */ ({ name, kind: 'server', target: 'cloud-ops' })),
  // Scenarios that call the suite's tools by name: the fixture server on the same runtime.
  // Not run: tools-call-sampling (the runtime has no sampling), the elicitation-sep1034/1330
  // schema scenarios (they check a fixture's literal schema, not the runtime), resources,
  // prompts and completions (none served).
  ...[
    'server-sse-polling',
    'json-schema-2020-12',
    'tools-call-simple-text',
    'tools-call-image',
    'tools-call-audio',
    'tools-call-embedded-resource',
    'tools-call-mixed-content',
    'tools-call-error',
    'tools-call-with-logging',
    'tools-call-with-progress',
    'tools-call-elicitation',
  ].map((name) => /** @type {Scenario} */ ({ name, kind: 'server', target: 'fixture' })),
  // Client scenarios: the suite's servers and authorization servers against our hub (the client
  // entry is test/conformance/client.ts). Not run: the extension flows without a user (client
  // credentials, JWT bearer, enterprise-managed authorization, DPoP), which a desktop app that
  // signs its user in does not use, and the 2025-03-26 back-compat scenarios (another spec version).
  ...[
    'initialize',
    'tools_call',
    'sse-retry',
    'elicitation-sep1034-client-defaults',
    'json-schema-2020-12-preservation',
    'auth/metadata-default',
    'auth/metadata-var1',
    'auth/metadata-var2',
    'auth/metadata-var3',
    'auth/basic-cimd',
    'auth/scope-from-www-authenticate',
    'auth/scope-from-scopes-supported',
    'auth/scope-omitted-when-undefined',
    'auth/scope-step-up',
    'auth/scope-retry-limit',
    'auth/token-endpoint-auth-basic',
    'auth/token-endpoint-auth-post',
    'auth/token-endpoint-auth-none',
    'auth/pre-registration',
  ].map((name) => /** @type {Scenario} */ ({ name, kind: 'client' })),
];

/**
 * The command that runs our MCP client against one of the suite's servers: the suite appends
 * the server URL and sets MCP_CONFORMANCE_SCENARIO (it splits the command at spaces).
 */
export const CLIENT_COMMAND = `${process.execPath} ${CLIENT.outfile}`;

/**
 * @typedef {{ name: string, kind: string, target?: string, status: 'pass' | 'fail' | 'expected-fail',
 *   reason?: string, seconds: number, checks: { success: number, failure: number, warning: number } }} Outcome
 */

async function main() {
  const started = Date.now();
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  // The servers as they are now (a second or two), and the fixture, which is not part of the app.
  await buildServers({ root, quiet: true });
  await bundleNodeEntry(FIXTURE, root);
  await bundleNodeEntry(CLIENT, root);
  const node = node22();
  const suite = conformanceBin();
  const expected = readExpectedFailures();
  const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-conformance-'));
  /** @type {Map<string, import('./http-server-process.mjs').HttpServerProcess>} */
  const servers = new Map();
  /** @type {Outcome[]} */
  const outcomes = [];
  try {
    for (const scenario of SCENARIOS) {
      let url;
      if (scenario.kind === 'server') {
        let server = servers.get(scenario.target);
        if (!server) {
          // No token (the suite sends none), even when the environment has one.
          const { TASKDECK_SERVER_TOKEN: _token, ...env } = process.env;
          server = await startHttpServer(TARGETS[scenario.target], {
            env: { ...env, TASKDECK_DATA_DIR: dataDir },
          });
          servers.set(scenario.target, server);
        }
        url = server.url;
      }
      const outcome = await runScenario(node, suite, scenario, url, expected);
      outcomes.push(outcome);
      const shown = outcome.status === 'expected-fail' ? 'fail (expected)' : outcome.status;
      console.log(`${scenario.name} ${shown}${outcome.reason ? ` ${outcome.reason}` : ''}`);
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const stale = Object.keys(expected).filter((name) => !outcomes.some((o) => o.name === name));
  for (const name of stale)
    console.log(`${name} fail expected-failures.json lists a scenario that is not run`);
  const passed = outcomes.filter((o) => o.status === 'pass').length;
  const failed = outcomes.filter((o) => o.status === 'fail').length + stale.length;
  const skipped = outcomes.filter((o) => o.status === 'expected-fail').length;
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ specVersion: SPEC_VERSION, passed, failed, skipped, seconds, outcomes }, null, 2)}\n`,
  );
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} expected failures` : ''}`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** A Node 22+ binary: this one, or the `node` package's from the npm registry. */
function node22() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const npmCli = process.env.npm_execpath;
  const [command, prefix] =
    npmCli && /npm-cli\.c?js$/.test(npmCli)
      ? [process.execPath, [npmCli]]
      : ['npm', /** @type {string[]} */ ([])];
  const args = [...prefix, 'exec', '--yes', '--prefer-offline', `--package=${NODE_22}`, '--'];
  const found = spawnSync(command, [...args, 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    shell: process.platform === 'win32' && command === 'npm',
  });
  const path = found.stdout?.trim();
  if (found.status !== 0 || !path || !existsSync(path)) {
    throw new Error(
      `The conformance suite needs Node 22 or newer; getting ${NODE_22} from the npm registry failed: ${found.stderr || found.error}`,
    );
  }
  return path;
}

function conformanceBin() {
  const require = createRequire(join(root, 'package.json'));
  const manifestPath = require.resolve('@modelcontextprotocol/conformance/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join(dirname(manifestPath), manifest.bin.conformance);
}

/** @returns {Record<string, string>} */
function readExpectedFailures() {
  if (!existsSync(EXPECTED_FAILURES_FILE)) return {};
  return JSON.parse(readFileSync(EXPECTED_FAILURES_FILE, 'utf8'));
}

/**
 * Runs one scenario with the suite and reads its checks.
 * @param {string} node
 * @param {string} suite
 * @param {Scenario} scenario
 * @param {string | undefined} url
 * @param {Record<string, string>} expected
 * @returns {Promise<Outcome>}
 */
async function runScenario(node, suite, scenario, url, expected) {
  const outputDir = join(RESULTS_DIR, `${scenario.kind}-${scenario.name.replaceAll('/', '-')}`);
  const target =
    scenario.kind === 'server' ? ['--url', /** @type {string} */ (url)] : ['--command', clientCommand()];
  const args = [
    suite,
    scenario.kind,
    ...target,
    '--scenario',
    scenario.name,
    '--spec-version',
    SPEC_VERSION,
    '-o',
    outputDir,
  ];
  const startedAt = Date.now();
  const run = await runProcess(node, args, 120_000);
  const seconds = (Date.now() - startedAt) / 1000;
  writeFileSync(`${outputDir}.log`, run.output);
  const checks = readChecks(outputDir);
  const failures = checks.filter((c) => c.status === 'FAILURE');
  const warnings = checks.filter((c) => c.status === 'WARNING');
  const counts = {
    success: checks.filter((c) => c.status === 'SUCCESS').length,
    failure: failures.length,
    warning: warnings.length,
  };
  const base = {
    name: scenario.name,
    kind: scenario.kind,
    target: 'target' in scenario ? scenario.target : undefined,
    seconds,
  };
  const problem =
    failures.length > 0
      ? failures.map((c) => `${c.name}: ${c.errorMessage ?? 'failed'}`).join('; ')
      : checks.length === 0
        ? `no checks recorded (exit code ${run.code}; see ${outputDir}.log)`
        : run.code !== 0
          ? `the suite exited with code ${run.code} (see ${outputDir}.log)`
          : undefined;
  const reason = expected[scenario.name];
  if (problem) {
    return reason
      ? { ...base, status: 'expected-fail', reason: `(${reason})`, checks: counts }
      : { ...base, status: 'fail', reason: problem, checks: counts };
  }
  if (reason)
    return { ...base, status: 'fail', reason: 'passes but expected-failures.json lists it', checks: counts };
  const note = warnings.length
    ? `(${warnings.length} warning${warnings.length > 1 ? 's' : ''}: ${warnings.map((c) => c.name).join(', ')})`
    : undefined;
  return { ...base, status: 'pass', reason: note, checks: counts };
}

function clientCommand() {
  if ([process.execPath, CLIENT.outfile].some((path) => path.includes(' ')))
    throw new Error(
      `The suite splits the client command at spaces, which these paths hold: ${CLIENT_COMMAND}`,
    );
  return CLIENT_COMMAND;
}

/**
 * The checks of the run in `outputDir`: the suite writes `<dir>/<scenario>-<time>/checks.json`,
 * a folder deeper for a scenario whose name has a slash (`auth/…`).
 * @param {string} outputDir
 * @returns {{ status: string, name: string, errorMessage?: string }[]}
 */
function readChecks(outputDir) {
  if (!existsSync(outputDir)) return [];
  const found = readdirSync(outputDir, { recursive: true, withFileTypes: true }).find(
    (entry) => entry.isFile() && entry.name === 'checks.json',
  );
  return found ? JSON.parse(readFileSync(join(found.parentPath, found.name), 'utf8')) : [];
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {number} timeoutMs
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function runProcess(command, args, timeoutMs) {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
