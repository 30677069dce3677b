/**
 * Electron shell: app lifecycle, the main window, native dialogs and notifications, and
 * IPC wiring to the hub. No business logic lives here: the hub does the work.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AppInfo,
  type CommandSpec,
  commands,
  EVENT_CHANNEL,
  electronCommands,
} from '@taskdeck/contract';
import { DEV_SERVER_CSP, RENDERER_CSP_HEADER } from '@taskdeck/contract/csp';
import { describeEnding, TaskEndings } from '@taskdeck/contract/task-endings';
import { Hub } from '@taskdeck/hub';
import { type Handler, hubHandlers, runCommand } from '@taskdeck/hub/commands';
import { serverIdle } from '@taskdeck/node-common/environment';
import {
  app,
  BrowserWindow,
  dialog,
  type IpcMainInvokeEvent,
  ipcMain,
  Menu,
  Notification,
  nativeTheme,
  safeStorage,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { credentialsSealer } from './credentials-sealer';
import { HubLifecycle } from './hub-lifecycle';
import { menuTemplate } from './menu';
import { CsvOpener, csvPathsFromArgv, isCsvPath } from './open-csv';
import { isVisibleOn, loadWindowState, saveWindowState } from './window-state';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererIndexPath = join(here, '../renderer/index.html');
const rendererIndexUrl = pathToFileURL(rendererIndexPath).href;
/** Set by `electron-vite dev`; never honoured in a packaged app. */
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;

let mainWindow: BrowserWindow | null = null;
const lifecycle = new HubLifecycle<Hub>();
/** The running hub, once started (and not after a quit began). */
let hub: Hub | undefined;
/** True once the hub has stopped: the next quit may proceed. */
let readyToQuit = false;
/** CSV files opened with Taskdeck (file association): profiled once the hub is up. */
const csvOpener = new CsvOpener({
  onError: (path, error) => dialog.showErrorBox(`Taskdeck cannot profile ${path}`, error.message),
});
/** One hub subscription per renderer (a reload subscribes again and replaces it). */
const subscriptions = new Map<number, () => void>();
/**
 * Notifications on screen: a Notification nothing references can be garbage-collected, and its
 * click handler with it. The oldest are let go past a few (not every platform reports `close`).
 */
const shownNotifications = new Set<Notification>();
const MAX_SHOWN_NOTIFICATIONS = 10;

/** On Windows and macOS's default volumes, paths differ in case only when they are the same. */
function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * True when `raw` is the page we loaded ourselves: the built index.html, or the dev server.
 * File URLs are compared as paths: Chromium's URL for our file and pathToFileURL's escape
 * different characters (`%`, `[`, `^`, `|`...), so equal pages can have unequal URL strings.
 */
function isOurPage(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (devServerOrigin) return url.origin === devServerOrigin;
  if (url.protocol !== 'file:') return false;
  try {
    return samePath(fileURLToPath(url), rendererIndexPath);
  } catch {
    return false; // not a local path (a host, an escaped separator)
  }
}

/** Only the top frame of our own window, showing our page, may call the API. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  const win = mainWindow;
  if (!frame || !win || win.isDestroyed() || event.sender.id !== win.webContents.id) return false;
  const top = win.webContents.mainFrame;
  return frame.processId === top.processId && frame.routingId === top.routingId && isOurPage(frame.url);
}

/** Registers one command: checks the sender frame, validates arguments and result with the contract. */
function handle<S extends CommandSpec>(spec: S, impl: (event: IpcMainInvokeEvent) => Handler<S>): void {
  ipcMain.handle(spec.channel, async (event, ...rawArgs: unknown[]) => {
    if (!isTrustedSender(event)) {
      throw new Error(`${spec.channel}: refused, the sender is not the Taskdeck window`);
    }
    return runCommand(spec, impl(event), rawArgs);
  });
}

function openExternally(raw: string): void {
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:' || url.protocol === 'http:') void shell.openExternal(url.href);
  } catch {
    // not a URL: ignore
  }
}

function hardenSessionAndContents(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Our page only: DevTools and anything else the session loads keep their own headers.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isOurPage(details.url)) {
      callback({});
      return;
    }
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [devServerUrl ? DEV_SERVER_CSP : RENDERER_CSP_HEADER],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      openExternally(url);
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url);
      return { action: 'deny' };
    });
  });
}

function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

function createWindow(): BrowserWindow {
  const saved = loadWindowState(windowStateFile());
  const displays = screen.getAllDisplays().map((display) => display.workArea);
  const bounds = saved && isVisibleOn(saved, displays) ? saved : undefined;
  const win = new BrowserWindow({
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds && { x: bounds.x, y: bounds.y }),
    minWidth: 720,
    minHeight: 480,
    title: 'Taskdeck',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0a0a0a' : '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would open links in a new window; all navigation goes through the handlers above.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  // Normal (not maximized) bounds are what a later run restores.
  win.on('close', () => {
    saveWindowState(windowStateFile(), { ...win.getNormalBounds(), maximized: win.isMaximized() });
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // Our own file URL rather than loadFile's, which leaves `%`, `#`... unescaped in the path.
  void win.loadURL(devServerUrl ?? rendererIndexUrl);
  return win;
}

function subscribeRenderer(contents: WebContents, api: Hub): null {
  const previous = subscriptions.get(contents.id);
  previous?.();
  subscriptions.set(
    contents.id,
    api.subscribe((event) => {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
    }),
  );
  // Once per renderer: a reload subscribes again but keeps this listener.
  if (!previous) {
    contents.once('destroyed', () => {
      subscriptions.get(contents.id)?.();
      subscriptions.delete(contents.id);
    });
  }
  return null;
}

function showNotification(notification: Notification): void {
  shownNotifications.add(notification);
  const forget = () => shownNotifications.delete(notification);
  notification.once('close', forget);
  notification.once('failed', forget);
  for (const old of shownNotifications) {
    if (shownNotifications.size <= MAX_SHOWN_NOTIFICATIONS) break;
    shownNotifications.delete(old);
  }
  notification.show();
}

/** An OS notification for each task that ends while the window is not focused. */
function notifyTaskEndings(api: Hub): void {
  const endings = new TaskEndings();
  api.subscribe((event) => {
    const ended = endings.take(event);
    if (ended.length === 0 || mainWindow?.isFocused() || !Notification.isSupported()) return;
    for (const task of ended.slice(0, 3)) {
      const notification = new Notification({ ...describeEnding(task), silent: task.status === 'cancelled' });
      notification.on('click', focusMainWindow);
      showNotification(notification);
    }
  });
}

async function grantPicked(api: Hub, paths: string[]): Promise<string[]> {
  if (paths.length > 0) await api.grantRoots(paths);
  return paths;
}

/** What this app is, for the window and for the CLI that reaches the hub through its local endpoint. */
function appInfo(): AppInfo {
  return { version: app.getVersion(), platform: process.platform, host: 'electron' };
}

function registerIpc(api: Hub): void {
  const shared = hubHandlers(api);
  for (const [name, handler] of Object.entries(shared)) {
    handle(commands[name as keyof typeof shared] as CommandSpec, () => handler as Handler<CommandSpec>);
  }
  handle(commands.appInfo, () => appInfo);
  handle(commands.subscribe, (event) => () => subscribeRenderer(event.sender, api));
  handle(electronCommands.pickFolder, (event) => async () => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.OpenDialogOptions = {
      title: 'Choose a project folder',
      properties: ['openDirectory'],
    };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    if (picked.canceled) return null;
    return (await grantPicked(api, picked.filePaths.slice(0, 1)))[0] ?? null;
  });
  handle(electronCommands.pickFiles, (event) => async ({ extensions }) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.OpenDialogOptions = {
      title: 'Choose files',
      properties: ['openFile', 'multiSelections'],
      filters:
        extensions.length > 0
          ? [
              { name: extensions.join(', '), extensions },
              { name: 'All files', extensions: ['*'] },
            ]
          : [],
    };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? [] : grantPicked(api, picked.filePaths);
  });
}

/** Where the bundled servers are: beside out/main, outside the asar archive when packaged. */
function bundledServersDir(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'app.asar.unpacked', 'out', 'servers')
    : join(here, '../servers');
}

/**
 * Where the servers' logs go: the platform's place (~/Library/Logs/Taskdeck on macOS,
 * the data folder's logs/ elsewhere), or `<TASKDECK_DATA_DIR>/logs` when that is set.
 */
function logsDir(): string {
  return process.env.TASKDECK_DATA_DIR ? join(app.getPath('userData'), 'logs') : app.getPath('logs');
}

/** Opens a folder in the file manager, creating it first (the logs folder appears with the first server). */
async function openFolder(folder: string): Promise<void> {
  const error = await mkdir(folder, { recursive: true })
    .then(() => shell.openPath(folder))
    .catch((failure: Error) => failure.message);
  if (error) dialog.showErrorBox(`Cannot open ${folder}`, error);
}

function installMenu(): void {
  const template = menuTemplate(process.platform, {
    openLogsFolder: () => void openFolder(logsDir()),
    openDataFolder: () => void openFolder(app.getPath('userData')),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function startHub(): Promise<Hub> {
  return Hub.start({
    dataDir: app.getPath('userData'),
    appInfo: appInfo(),
    logDir: logsDir(),
    bundledServersDir: bundledServersDir(),
    // The servers run on Electron's own Node: a packaged app has no other Node.
    execPath: process.execPath,
    electronRunAsNode: true,
    serverIdle: serverIdle(process.env.TASKDECK_SERVER_IDLE, (message) =>
      process.stderr.write(`Taskdeck: ${message}\n`),
    ),
    // Sign-ins come back to a loopback listener of the hub; the window opens the authorization
    // page in the system browser (window.open → openExternally, http and https only).
    auth: { sealer: credentialsSealer(safeStorage, process.platform) },
  });
}

app.enableSandbox();
// The same variable the servers and the web host read: tests and side-by-side installs get
// their own data folder (history, server state, window position). app.setPath throws for a
// folder that does not exist yet.
if (process.env.TASKDECK_DATA_DIR) {
  const dataDir = resolve(process.env.TASKDECK_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  app.setPath('userData', dataDir);
} else app.setAppLogsPath(); // ~/Library/Logs/Taskdeck on macOS, <userData>/logs elsewhere

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Windows and Linux open a CSV by launching the app with its path: a second launch hands its
  // argv to this instance and quits.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    focusMainWindow();
    void csvOpener.open(csvPathsFromArgv(argv, workingDirectory));
  });
  // macOS sends the file as an event instead, possibly before the app is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (isCsvPath(path)) void csvOpener.open([path]);
  });
  void csvOpener.open(csvPathsFromArgv(process.argv, process.cwd()));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Stop the hub (and with it every server process group) before the app exits, also when it
  // is still starting.
  app.on('before-quit', (event) => {
    if (readyToQuit) return;
    event.preventDefault();
    hub = undefined;
    csvOpener.close();
    void lifecycle
      .stop()
      .catch((error: unknown) => console.error(`Taskdeck: hub shutdown failed: ${(error as Error).message}`))
      .finally(() => {
        readyToQuit = true;
        app.quit();
      });
  });
  app.on('activate', () => {
    if (hub && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  void app.whenReady().then(async () => {
    if (process.platform === 'win32') app.setAppUserModelId('dev.taskdeck.app');
    hardenSessionAndContents();
    installMenu();
    let started: Hub | undefined;
    try {
      started = await lifecycle.start(startHub);
    } catch (error) {
      dialog.showErrorBox('Taskdeck cannot start', error instanceof Error ? error.message : String(error));
      app.quit();
      return;
    }
    if (!started) return; // the app is quitting
    hub = started;
    registerIpc(hub);
    notifyTaskEndings(hub);
    mainWindow = createWindow();
    void csvOpener.attach(hub);
  });
}
