/**
 * Electron shell: app lifecycle, the main window and IPC wiring. No business logic
 * lives here; later versions connect the IPC handlers to the hub.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, type IpcMainInvokeEvent, ipcMain, nativeTheme, session, shell } from 'electron';
import { z } from 'zod';
import { type AppInfo, type CommandSpec, commands } from '../../contract/api';
import { DEV_SERVER_CSP, RENDERER_CSP_HEADER } from '../../contract/csp';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererIndexPath = join(here, '../renderer/index.html');
const rendererIndexUrl = pathToFileURL(rendererIndexPath).href;
/** Set by `electron-vite dev`; never honoured in a packaged app. */
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;

let mainWindow: BrowserWindow | null = null;

/** True when `raw` is the page we loaded ourselves: the built index.html, or the dev server. */
function isRendererUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (devServerOrigin) return url.origin === devServerOrigin;
  url.hash = '';
  url.search = '';
  return url.href === rendererIndexUrl;
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  // Only the top-level frame of our own page may call the API.
  return frame !== null && frame.parent === null && isRendererUrl(frame.url);
}

/** Registers one command: checks the sender frame, validates arguments and result with the contract. */
function handle<A extends z.ZodType, R extends z.ZodType>(
  spec: CommandSpec<A, R>,
  impl: (args: z.infer<A>) => z.infer<R> | Promise<z.infer<R>>,
): void {
  ipcMain.handle(spec.channel, async (event, ...rawArgs: unknown[]) => {
    if (!isTrustedSender(event)) {
      throw new Error(`${spec.channel}: refused, the sender is not the Taskdeck window`);
    }
    const args = spec.args.safeParse(rawArgs);
    if (!args.success) {
      throw new Error(`${spec.channel}: invalid arguments: ${z.prettifyError(args.error)}`);
    }
    return spec.result.parse(await impl(args.data));
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
  ses.webRequest.onHeadersReceived((details, callback) => {
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

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 420,
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
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererIndexPath);
  return win;
}

function registerIpc(): void {
  handle(commands.appInfo, (): AppInfo => ({ version: app.getVersion(), platform: process.platform }));
}

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  void app.whenReady().then(() => {
    if (process.platform === 'win32') app.setAppUserModelId('dev.taskdeck.app');
    hardenSessionAndContents();
    registerIpc();
    mainWindow = createWindow();
  });
}
