/**
 * Loads the built preload (out/preload/index.cjs) the way Electron runs a sandboxed preload:
 * compiled as a function of `require, process, Buffer, global, setImmediate, clearImmediate,
 * exports, module` in its own JavaScript world, where `require` knows only 'electron'
 * (renderer modules), 'events', 'timers' and 'url' (docs/tutorial/sandbox.md, "Preload scripts";
 * lib/sandboxed_renderer/init.ts). The page's CSP (`script-src 'self'`, no 'unsafe-eval') is
 * simulated by handing that world the `Function` and `eval` of a vm context created with
 * `codeGeneration: { strings: false }`: from then on V8 itself throws EvalError, as Chromium does
 * once the policy is in force.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import * as timers from 'node:timers';
import * as url from 'node:url';
import vm from 'node:vm';
import type { TaskdeckApi } from '@taskdeck/contract';

/** The main process as the preload's ipcRenderer reaches it. */
export interface MainProcessIpc {
  invoke(
    channel: string,
    args: unknown[],
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
  /** Calls `listener` for each message the main process sends this page; returns the unsubscribe. */
  onMessage(listener: (channel: string, args: unknown[]) => void): () => void;
}

export interface SandboxedPreload {
  /** What the preload exposed as `window.taskdeck`. */
  readonly api: TaskdeckApi;
  /** From now on code generation from strings fails in the preload's world (the page's CSP). */
  applyPageCsp(): void;
  /** Runs `code` in the preload's world (to check what the CSP allows). */
  evaluate(code: string): unknown;
  /** Stops delivering main-process messages. */
  close(): void;
}

export function loadSandboxedPreload(
  file: string,
  ipc: MainProcessIpc,
  { cspBeforeLoad }: { cspBeforeLoad: boolean },
): SandboxedPreload {
  const strictWorld = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  const world: Record<string, unknown> = { console };
  const context = vm.createContext(world);
  const own = { Function: vm.runInContext('Function', context), eval: vm.runInContext('eval', context) };
  const strict = {
    Function: vm.runInContext('Function', strictWorld),
    eval: vm.runInContext('eval', strictWorld),
  };
  let cspApplied = false;
  for (const name of ['Function', 'eval'] as const) {
    Object.defineProperty(world, name, { get: () => (cspApplied ? strict : own)[name], configurable: true });
  }
  const applyPageCsp = () => {
    cspApplied = true;
  };
  if (cspBeforeLoad) applyPageCsp();

  // Values cross into the preload's world as its own objects (IPC clones them there).
  const intoWorld = vm.runInContext('(json) => JSON.parse(json)', context) as (json: string) => unknown;
  const WorldError = vm.runInContext('Error', context) as ErrorConstructor;
  const exposed = new Map<string, unknown>();
  const ipcRenderer = new EventEmitter();
  const stopMessages = ipc.onMessage((channel, args) =>
    ipcRenderer.emit(channel, {}, ...args.map((arg) => intoWorld(JSON.stringify(arg)))),
  );
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        if (exposed.has(key))
          throw new Error('Cannot bind an API on top of an existing property on the window object');
        exposed.set(key, api);
      },
    },
    ipcRenderer: Object.assign(ipcRenderer, {
      async invoke(channel: string, ...args: unknown[]) {
        const reply = await ipc.invoke(channel, JSON.parse(JSON.stringify(args)));
        if (!reply.ok) throw new WorldError(reply.error);
        return reply.value === undefined ? undefined : intoWorld(JSON.stringify(reply.value));
      },
    }),
    webUtils: { getPathForFile: (dropped: { path?: string }) => dropped.path ?? '' },
  };
  const modules = new Map<string, unknown>([
    ['electron', electron],
    ['events', EventEmitter],
    ['timers', timers],
    ['url', url],
  ]);
  const preloadRequire = (name: string) => {
    const found = modules.get(name.replace(/^node:/, ''));
    if (found === undefined) throw new Error(`module not found: ${name}`);
    return found;
  };
  const params = [
    'require',
    'process',
    'Buffer',
    'global',
    'setImmediate',
    'clearImmediate',
    'exports',
    'module',
  ];
  const run = vm.compileFunction(readFileSync(file, 'utf8'), params, {
    parsingContext: context,
    filename: file,
  });
  const exports = {};
  const global = vm.runInContext('globalThis', context);
  run(preloadRequire, new EventEmitter(), Buffer, global, setImmediate, clearImmediate, exports, { exports });

  const api = exposed.get('taskdeck') as TaskdeckApi | undefined;
  if (!api) throw new Error('the preload exposed no window.taskdeck');
  return {
    api,
    applyPageCsp,
    evaluate: (code) => vm.runInContext(code, context),
    close: stopMessages,
  };
}
