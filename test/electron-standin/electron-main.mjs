/**
 * A recording stand-in for Electron's main-process `electron` module, so the built main process
 * (out/main/index.js) runs under plain Node (register.mjs maps `electron` here). It implements
 * what Taskdeck uses and is strict where Electron is strict; each rule cites where Electron states
 * it (the typings in node_modules/electron/electron.d.ts are Electron's API docs, or its sources).
 * A broken rule throws where Electron throws and is also reported as a `violation`.
 *
 * The test (driver.ts) talks to it over the child's IPC channel: it sends `{ id, op, ...args }`
 * requests (emit `ready`, invoke a channel from some frame, close the window...) and receives
 * `{ type: 'record', kind, ... }` for everything the app does, and `{ type: 'reply', id }`.
 *
 * What it cannot be: Chromium. Page loads are simulated (a file URL must name an existing file),
 * URLs are canonicalized with the WHATWG parser (close to, not the same as, Chromium's GURL), and
 * there is no renderer: the test plays the page.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync, watch } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { format as formatUrl } from 'node:url';

/** @param {Record<string, unknown>} message */
function send(message) {
  process.send?.(message);
}

/**
 * @param {string} kind
 * @param {Record<string, unknown>} [data]
 */
function record(kind, data = {}) {
  send({ type: 'record', kind, ...data });
}

/** Reports a broken Electron rule and returns the error to throw. */
function violation(/** @type {string} */ message) {
  record('violation', { message });
  return new Error(message);
}

// Electron shows uncaught main-process errors in a dialog and keeps running; either is a bug here.
process.on('uncaughtException', (error) => record('uncaught-exception', { message: String(error?.stack) }));
process.on('unhandledRejection', (reason) =>
  record('unhandled-rejection', { message: String(/** @type {Error} */ (reason)?.stack ?? reason) }),
);

/** An Electron event object: `preventDefault()` and `defaultPrevented`. */
function makeEvent() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

/** The folder holding the app's package.json: the app path (`electron .`, or resources/app.asar). */
function findAppPath(/** @type {string} */ start) {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

const appPath = findAppPath(dirname(resolve(process.argv[1] ?? '.')));
const manifest = JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8'));
const packaged = process.env.STANDIN_PACKAGED === '1';
if (packaged) {
  // Electron sets it to <app>/resources (Linux, Windows): where app.asar and app.asar.unpacked are.
  /** @type {NodeJS.Process & { resourcesPath: string }} */ (process).resourcesPath = dirname(appPath);
}

const state = {
  ready: false,
  /** app.quit() went past before-quit and is closing windows. */
  quitting: false,
  quit: false,
};

/** @type {Record<string, string>} app.getPath names (electron.d.ts, App.getPath). */
const paths = {
  home: homedir(),
  appData: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
  temp: tmpdir(),
  exe: process.execPath,
  module: process.execPath,
  desktop: join(homedir(), 'Desktop'),
  documents: join(homedir(), 'Documents'),
  downloads: join(homedir(), 'Downloads'),
  music: join(homedir(), 'Music'),
  pictures: join(homedir(), 'Pictures'),
  videos: join(homedir(), 'Videos'),
};
paths.userData = join(/** @type {string} */ (paths.appData), manifest.productName ?? manifest.name);
paths.sessionData = paths.userData;
paths.crashDumps = join(paths.userData, 'Crashpad');

function whenReadyPromise() {
  /** @type {() => void} */
  let done = () => {};
  const promise = new Promise((resolve) => {
    done = () => resolve(undefined);
  });
  return { promise, done };
}
const readiness = whenReadyPromise();

class App extends EventEmitter {
  get isPackaged() {
    return packaged;
  }

  getAppPath() {
    return appPath;
  }

  getName() {
    return manifest.productName ?? manifest.name;
  }

  getVersion() {
    return manifest.version;
  }

  isReady() {
    return state.ready;
  }

  whenReady() {
    return readiness.promise;
  }

  /** electron.d.ts: "This method can only be called before app is ready." */
  enableSandbox() {
    if (state.ready) throw violation('app.enableSandbox() can only be called before app is ready');
    record('app.enableSandbox');
  }

  /** electron_api_app.cc GetPath: an unknown name throws "Failed to get '<name>' path". */
  getPath(/** @type {string} */ name) {
    if (name === 'logs' && paths.logs === undefined) this.setAppLogsPath();
    const path = paths[name];
    if (path === undefined) throw violation(`Failed to get '${name}' path`);
    return path;
  }

  /**
   * electron.d.ts, App.setPath: "If the path specifies a directory that does not exist, an
   * `Error` is thrown" and "You can only override paths of a `name` defined in `app.getPath`";
   * electron_api_app.cc: a relative path throws "Path must be absolute".
   */
  setPath(/** @type {string} */ name, /** @type {string} */ path) {
    if (!isAbsolute(path)) throw violation('Path must be absolute');
    if (paths[name] === undefined && name !== 'logs') throw violation('Failed to set path');
    if (!existsSync(path) || !statSync(path).isDirectory())
      throw violation(`app.setPath('${name}'): ${path} is not an existing directory`);
    paths[name] = path;
    record('app.setPath', { name, path });
  }

  /** electron.d.ts: without a path, `<userData>/logs` on Linux and Windows; a path must be absolute. */
  /** @param {string} [path] */
  setAppLogsPath(path) {
    if (path !== undefined && !isAbsolute(path)) throw violation('Path must be absolute');
    paths.logs = path ?? join(/** @type {string} */ (paths.userData), 'logs');
  }

  setAppUserModelId(/** @type {string} */ id) {
    record('app.setAppUserModelId', { id });
  }

  /** A second instance is simulated by STANDIN_INSTANCE_LOCK=taken. */
  requestSingleInstanceLock() {
    const granted = process.env.STANDIN_INSTANCE_LOCK !== 'taken';
    record('app.requestSingleInstanceLock', { granted });
    return granted;
  }

  /**
   * electron.d.ts, App.quit: "Try to close all windows. The `before-quit` event will be emitted
   * first. If all windows are successfully closed, the `will-quit` event will be emitted and by
   * default the application will terminate." Then the process ends: pending work never runs.
   */
  quit() {
    record('app.quit');
    if (state.quitting || state.quit) return;
    const beforeQuit = makeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return record('quit-prevented');
    state.quitting = true;
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.close()) {
        state.quitting = false;
        return record('quit-cancelled-by-window');
      }
    }
    const willQuit = makeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      state.quitting = false;
      return record('quit-prevented');
    }
    state.quit = true;
    this.emit('quit', makeEvent(), 0);
    exit(0);
  }

  exit(code = 0) {
    exit(code);
  }
}

export const app = new App();

function exit(/** @type {number} */ code) {
  state.quit = true;
  record('exit', { code });
  // Electron's process ends with its message loop: nothing scheduled after this runs.
  setImmediate(() => process.exit(code));
}

let nextId = 1;

/** A frame of a page: Electron's WebFrameMain (processId + routingId identify it). */
class WebFrameMain {
  /**
   * @param {number} processId
   * @param {WebFrameMain | null} parent
   * @param {string} url
   */
  constructor(processId, parent, url) {
    this.processId = processId;
    this.routingId = nextId++;
    this.parent = parent;
    this.url = url;
  }
}

/** Chromium turns a file URL into a path by decoding valid %XX escapes and keeping the rest. */
function filePathOf(/** @type {URL} */ url) {
  /** @type {number[]} */
  const bytes = [];
  const { pathname } = url;
  for (let i = 0; i < pathname.length; i++) {
    const hex = pathname.slice(i + 1, i + 3);
    if (pathname[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(/** @type {string} */ (pathname[i])));
  }
  return Buffer.from(bytes).toString('utf8');
}

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.mainFrame = new WebFrameMain(nextId++, null, '');
    this.destroyed = false;
    /** @type {((details: { url: string }) => { action: string }) | undefined} */
    this.windowOpenHandler = undefined;
  }

  isDestroyed() {
    return this.destroyed;
  }

  getURL() {
    return this.mainFrame.url;
  }

  /**
   * Simulated load: the URL is canonicalized (WHATWG, as GURL would), a file URL must name an
   * existing file (else `did-fail-load` and a rejection, like ERR_FILE_NOT_FOUND).
   */
  loadURL(/** @type {string} */ raw) {
    const url = new URL(raw);
    this.mainFrame = new WebFrameMain(this.mainFrame.processId, null, url.href);
    const file = url.protocol === 'file:' ? filePathOf(url) : undefined;
    const loaded = file === undefined || existsSync(file);
    record('page-load', { webContentsId: this.id, url: url.href, file, loaded });
    if (!loaded) {
      this.emit('did-fail-load', makeEvent(), -6, 'ERR_FILE_NOT_FOUND', url.href, true);
      const failed = Promise.reject(new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url.href}'`));
      // web-contents.ts (loadURL) adds a no-op handler so an ignored failure is not unhandled.
      failed.catch(() => {});
      return failed;
    }
    this.emit('did-navigate', makeEvent(), url.href);
    this.emit('dom-ready', makeEvent());
    this.emit('did-finish-load', makeEvent());
    return Promise.resolve();
  }

  /** lib/browser/api/web-contents.ts: loadFile is loadURL of url.format({ protocol: 'file', ... }). */
  loadFile(/** @type {string} */ filePath) {
    return this.loadURL(formatUrl({ protocol: 'file', slashes: true, pathname: resolve(appPath, filePath) }));
  }

  reload() {
    return this.loadURL(this.mainFrame.url);
  }

  /** IPC payloads go through the structured clone algorithm: what cannot be cloned throws. */
  send(/** @type {string} */ channel, /** @type {unknown[]} */ ...args) {
    if (this.destroyed) throw violation(`webContents.send('${channel}') on a destroyed webContents`);
    try {
      structuredClone(args);
    } catch (error) {
      throw violation(`webContents.send('${channel}'): ${/** @type {Error} */ (error).message}`);
    }
    record('send', { webContentsId: this.id, channel, args });
  }

  setWindowOpenHandler(/** @type {(details: { url: string }) => { action: string }} */ handler) {
    this.windowOpenHandler = handler;
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

/** @type {Set<BrowserWindow>} */
const windows = new Set();

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return [...windows];
  }

  static fromWebContents(/** @type {WebContents} */ contents) {
    return [...windows].find((win) => win.webContents === contents) ?? null;
  }

  /**
   * browser-window.md: "This module cannot be used until the `ready` event of the `app` module
   * is emitted." WebPreferences.preload (electron.d.ts): "The value should be the absolute file
   * path to the script."
   * @param {import('electron').BrowserWindowConstructorOptions} options
   */
  constructor(options = {}) {
    super();
    if (!state.ready) throw violation('Cannot create BrowserWindow before app is ready');
    if (state.quit) throw violation('BrowserWindow created after the app quit');
    const preload = options.webPreferences?.preload;
    if (preload !== undefined && !isAbsolute(preload))
      violation(`preload script must have absolute path: ${preload}`);
    this.id = nextId++;
    this.options = options;
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    this.visible = options.show !== false;
    this.maximized = false;
    this.minimized = false;
    this.focused = false;
    this.destroyed = false;
    this.webContents = new WebContents();
    windows.add(this);
    this.webContents.on('did-finish-load', () => {
      if (!this.visible) this.emit('ready-to-show');
    });
    record('window-created', { windowId: this.id, webContentsId: this.webContents.id, options });
    app.emit('web-contents-created', makeEvent(), this.webContents);
    app.emit('browser-window-created', makeEvent(), this);
  }

  loadURL(/** @type {string} */ url) {
    return this.webContents.loadURL(url);
  }

  loadFile(/** @type {string} */ path) {
    return this.webContents.loadFile(path);
  }

  show() {
    this.visible = true;
    record('window-show', { windowId: this.id });
  }

  maximize() {
    this.maximized = true;
  }

  isMaximized() {
    return this.maximized;
  }

  isMinimized() {
    return this.minimized;
  }

  restore() {
    this.minimized = false;
  }

  focus() {
    this.focused = true;
    record('window-focus', { windowId: this.id });
  }

  isFocused() {
    return this.focused;
  }

  isDestroyed() {
    return this.destroyed;
  }

  getNormalBounds() {
    return { ...this.bounds };
  }

  /** Emits `close` (which can be prevented), then destroys the window. True when it closed. */
  close() {
    if (this.destroyed) return true;
    const event = makeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  /**
   * The last window closing emits `window-all-closed` unless the app is quitting
   * (electron.d.ts, App 'window-all-closed'); without a listener the app quits.
   */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    windows.delete(this);
    this.webContents.destroy();
    this.emit('closed');
    record('window-closed', { windowId: this.id });
    if (windows.size > 0 || state.quitting) return;
    if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
    else app.quit();
  }
}

/** lib/browser/ipc-main-impl.ts: one handler per channel, a function. */
class IpcMain extends EventEmitter {
  /** @type {Map<string, (event: object, ...args: unknown[]) => unknown>} */
  handlers = new Map();

  handle(/** @type {string} */ channel, /** @type {(event: object, ...args: unknown[]) => unknown} */ fn) {
    if (this.handlers.has(channel))
      throw violation(`Attempted to register a second handler for '${channel}'`);
    if (typeof fn !== 'function')
      throw violation(`Expected handler to be a function, but found type '${typeof fn}'`);
    if (state.quit) violation(`ipcMain.handle('${channel}') after the app quit`);
    this.handlers.set(channel, fn);
    record('ipc-handle', { channel });
  }

  removeHandler(/** @type {string} */ channel) {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new IpcMain();

/** @type {{ canceled: boolean, filePaths: string[] }[]} */
const dialogAnswers = [];

export const dialog = {
  /** electron.d.ts: "This API can be called safely before the `ready` event". */
  showErrorBox(/** @type {string} */ title, /** @type {string} */ content) {
    record('error-box', { title, content });
  },
  /** Answers what the test queued (`queue-dialog`), else a cancelled dialog. */
  showOpenDialog(/** @type {unknown[]} */ ...args) {
    const [first] = args;
    if (args.length === 2 && !(first instanceof BrowserWindow)) throw violation('showOpenDialog: bad window');
    if (!state.ready) throw violation('dialog.showOpenDialog before ready');
    const options = args.length === 2 ? args[1] : first;
    record('open-dialog', { options });
    return Promise.resolve(dialogAnswers.shift() ?? { canceled: true, filePaths: [] });
  },
};

export const Menu = {
  /** @param {import('electron').MenuItemConstructorOptions[]} template */
  buildFromTemplate(template) {
    for (const item of template) {
      if (!item.role && !item.label && !item.type && !item.submenu)
        throw violation('menu item without role or label');
    }
    return { items: template };
  },
  setApplicationMenu(/** @type {{ items: import('electron').MenuItemConstructorOptions[] } | null} */ menu) {
    record('application-menu', {
      items: menu?.items.map((item) => item.role ?? item.label ?? ''),
    });
  },
};

/** Shown notifications, weakly: the app must keep each one alive for its click to arrive. */
/** @type {WeakRef<Notification>[]} */
const shownNotifications = [];

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }

  /** @param {import('electron').NotificationConstructorOptions} options */
  constructor(options = {}) {
    super();
    this.options = options;
  }

  show() {
    const index = shownNotifications.push(new WeakRef(this)) - 1;
    record('notification', {
      index,
      title: this.options.title,
      body: this.options.body,
      silent: this.options.silent,
    });
  }
}

export const nativeTheme = Object.assign(new EventEmitter(), {
  shouldUseDarkColors: false,
  themeSource: 'system',
});

/** screen.md: "This module cannot be used until the `ready` event of the `app` module is emitted." */
function display() {
  if (!state.ready) throw violation("The 'screen' module can't be used before the app 'ready' event");
  const area = { x: 0, y: 0, width: 1920, height: 1040 };
  return { id: 1, bounds: { ...area, height: 1080 }, workArea: area, scaleFactor: 1 };
}

export const screen = Object.assign(new EventEmitter(), {
  getAllDisplays: () => [display()],
  getPrimaryDisplay: display,
});

/** @type {((details: object, callback: (response: object) => void) => void) | undefined} */
let onHeadersReceived;
/** @type {((contents: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void) | undefined} */
let permissionRequestHandler;
/** @type {((contents: unknown, permission: string, origin: string, details: object) => boolean) | undefined} */
let permissionCheckHandler;

const defaultSession = {
  setPermissionRequestHandler(/** @type {typeof permissionRequestHandler} */ handler) {
    permissionRequestHandler = handler;
  },
  setPermissionCheckHandler(/** @type {typeof permissionCheckHandler} */ handler) {
    permissionCheckHandler = handler;
  },
  webRequest: {
    /** The stand-in takes no URL filter: the app decides per response. */
    onHeadersReceived(/** @type {unknown[]} */ ...args) {
      if (args.length !== 1 || typeof args[0] !== 'function')
        throw violation('onHeadersReceived: the stand-in supports a listener without a filter');
      onHeadersReceived = /** @type {typeof onHeadersReceived} */ (args[0]);
    },
  },
};

/** session.md: the default session is available only once the app is ready. */
export const session = {
  get defaultSession() {
    if (!state.ready) throw violation('Session can only be received when app is ready');
    return defaultSession;
  },
};

export const shell = {
  openExternal(/** @type {string} */ url) {
    record('open-external', { url });
    return Promise.resolve();
  },
  openPath(/** @type {string} */ path) {
    record('open-path', { path });
    return Promise.resolve('');
  },
};

/**
 * safe-storage.md. `STANDIN_SAFE_STORAGE` plays the machine: `keychain` (default: a secret store,
 * e.g. gnome_libsecret), `basic_text` (Linux without one: Electron encrypts with a hard-coded
 * password) or `none` (no encryption available). The stand-in encrypts for real (AES-256-GCM
 * under a fixed key, as a keychain's key outlives the process), so a sealed file shows no secret.
 */
const safeStorageBackend = process.env.STANDIN_SAFE_STORAGE ?? 'keychain';
const safeStorageKey = createHash('sha256').update('taskdeck electron stand-in safeStorage').digest();

export const safeStorage = {
  /** "On Linux, returns true if the app has emitted the ready event and the secret key is available." */
  isEncryptionAvailable() {
    return state.ready && safeStorageBackend !== 'none';
  },
  /** Linux: "This function will return … only available after the ready event". */
  getSelectedStorageBackend() {
    if (!state.ready) throw violation('safeStorage.getSelectedStorageBackend before ready');
    return safeStorageBackend === 'keychain'
      ? 'gnome_libsecret'
      : safeStorageBackend === 'none'
        ? 'unknown'
        : 'basic_text';
  },
  /** "This function will throw an error if encryption fails." */
  encryptString(/** @type {string} */ text) {
    if (typeof text !== 'string') throw violation('safeStorage.encryptString takes a string');
    if (!this.isEncryptionAvailable()) throw new Error('Encryption is not available.');
    record('safe-storage-encrypt');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', safeStorageKey, iv);
    const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  },
  /** "This function will throw an error if decryption fails." */
  decryptString(/** @type {Buffer} */ encrypted) {
    if (!Buffer.isBuffer(encrypted)) throw violation('safeStorage.decryptString takes a Buffer');
    if (!this.isEncryptionAvailable()) throw new Error('Decryption is not available.');
    const decipher = createDecipheriv('aes-256-gcm', safeStorageKey, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  },
};

/* ---------------------------------------------------------------- what the test drives */

/** The window the test acts on: the newest one. */
function currentWindow() {
  const win = [...windows].at(-1);
  if (!win) throw new Error('no window is open');
  return win;
}

/** A page in a webContents of no BrowserWindow of ours (another window, a webview, DevTools...). */
const foreignContents = new WebContents();

/**
 * The frame an invoke comes from: our window's main frame, a subframe of it, no frame (it went
 * away), or the main frame of a page outside our window. `url` is the document the frame shows.
 * @param {{ from: 'main' | 'subframe' | 'none' | 'foreign', url?: string }} request
 */
function senderOf({ from, url }) {
  if (from === 'foreign') {
    foreignContents.mainFrame = new WebFrameMain(foreignContents.mainFrame.processId, null, url ?? '');
    return { sender: foreignContents, frame: foreignContents.mainFrame };
  }
  const contents = currentWindow().webContents;
  const main = contents.mainFrame;
  if (from === 'none') return { sender: contents, frame: null };
  if (from === 'subframe')
    return { sender: contents, frame: new WebFrameMain(main.processId, main, url ?? main.url) };
  if (url === undefined) return { sender: contents, frame: main };
  // The main frame showing another document (e.g. after a navigation the app did not start).
  const other = new WebFrameMain(main.processId, null, url);
  other.routingId = main.routingId;
  return { sender: contents, frame: other };
}

/**
 * ipcRenderer.invoke as the main process sees it: arguments and result are structured clones,
 * a thrown error reaches the page as "Error invoking remote method '<channel>': <error>".
 * @param {{ channel: string, args: unknown[], from: 'main' | 'subframe' | 'none' | 'foreign', url?: string }} request
 */
async function invoke(request) {
  const { channel, args } = request;
  const handler = ipcMain.handlers.get(channel);
  if (!handler)
    return {
      ok: false,
      error: `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
    };
  const { sender, frame } = senderOf(request);
  const event = {
    sender,
    senderFrame: frame,
    processId: sender.mainFrame.processId,
    frameId: frame?.routingId ?? -1,
  };
  try {
    const value = await handler(event, ...structuredClone(args));
    return { ok: true, value: structuredClone(value) };
  } catch (error) {
    return { ok: false, error: `Error invoking remote method '${channel}': ${String(error)}` };
  }
}

/** Emits `ready`; with `quitWhenCreated`, calls app.quit() the moment that file appears. */
function emitReady(/** @type {{ quitWhenCreated?: string }} */ { quitWhenCreated }) {
  if (quitWhenCreated) {
    const watcher = watch(dirname(quitWhenCreated), (_type, name) => {
      if (
        name !== null &&
        join(dirname(quitWhenCreated), name) === quitWhenCreated &&
        existsSync(quitWhenCreated)
      ) {
        watcher.close();
        record('quit-on-file', { file: quitWhenCreated });
        app.quit();
      }
    });
  }
  state.ready = true;
  app.emit('will-finish-launching');
  app.emit('ready', makeEvent(), {});
  readiness.done();
}

/** @type {Record<string, (request: any) => unknown>} */
const operations = {
  ready: emitReady,
  /**
   * An app event from the OS: `second-instance` (argv, cwd), `open-file` (path), `activate`.
   * `quitAfter` quits in the same tick, while the work the event started is still pending.
   */
  'emit-app': ({ event, args, quitAfter }) => {
    const appEvent = makeEvent();
    app.emit(event, appEvent, ...args);
    if (quitAfter) app.quit();
    return { defaultPrevented: appEvent.defaultPrevented };
  },
  quit: () => app.quit(),
  'close-window': () => currentWindow().close(),
  'set-focus': ({ focused }) => {
    currentWindow().focused = focused;
  },
  invoke,
  reload: () => currentWindow().webContents.reload(),
  'listener-count': ({ event }) => currentWindow().webContents.listenerCount(event),
  /** A link or script navigation in the page: `will-navigate` decides. */
  navigate: ({ url }) => {
    const event = makeEvent();
    currentWindow().webContents.emit('will-navigate', event, url);
    return { prevented: event.defaultPrevented };
  },
  'window-open': ({ url }) => currentWindow().webContents.windowOpenHandler?.({ url }) ?? { action: 'allow' },
  'attach-webview': () => {
    const event = makeEvent();
    currentWindow().webContents.emit('will-attach-webview', event, {}, {});
    return { prevented: event.defaultPrevented };
  },
  'permission-request': ({ permission }) =>
    new Promise((resolve) => {
      if (!permissionRequestHandler) return resolve('no handler');
      permissionRequestHandler(currentWindow().webContents, permission, resolve, {});
    }),
  'permission-check': ({ permission, origin }) =>
    permissionCheckHandler?.(currentWindow().webContents, permission, origin, {}) ?? 'no handler',
  /** A response arriving in the default session; the answer is what the listener made of it. */
  'headers-received': ({ url, resourceType }) =>
    new Promise((resolve) => {
      if (!onHeadersReceived) return resolve('no listener');
      onHeadersReceived({ url, resourceType, responseHeaders: { 'Content-Type': ['text/html'] } }, resolve);
    }),
  'queue-dialog': ({ answer }) => {
    dialogAnswers.push(answer);
  },
  /** Needs `node --expose-gc`: collects what nothing holds any more. */
  gc: () => {
    /** @type {() => void} */ (globalThis.gc)();
  },
  'click-notification': ({ index }) => {
    const notification = shownNotifications[index]?.deref();
    notification?.emit('click', makeEvent());
    return { clicked: notification !== undefined };
  },
};

process.on('message', async (/** @type {{ id: number, op: string }} */ message) => {
  const operation = operations[message.op];
  try {
    if (!operation) throw new Error(`unknown stand-in operation ${message.op}`);
    const value = await operation(message);
    send({ type: 'reply', id: message.id, ok: true, value });
  } catch (error) {
    send({
      type: 'reply',
      id: message.id,
      ok: false,
      error: String(/** @type {Error} */ (error)?.stack ?? error),
    });
  }
});
