import type { ElectronApplication, Page } from '@playwright/test';
import { makeCsv } from './csv';

/** What differs between the hosts: how a file or a folder gets into the app. */
export interface MonitorDriver {
  kind: 'web' | 'electron';
  page: Page;
  /** A CSV of `rows` data rows reaches analytics: dropped on the window (web) or picked (Electron). */
  profileCsv(rows: number, name: string): Promise<void>;
  /** Chooses `folder` for a scan: typed path with completion (web) or the native picker (Electron). */
  scanFolder(folder: string): Promise<void>;
}

export function webDriver(page: Page): MonitorDriver {
  return {
    kind: 'web',
    page,
    async profileCsv(rows, name) {
      // Built in the page and dropped with a real DataTransfer: the same path as a user's drag.
      // The generator's source is evaluated through the DevTools protocol (the page's CSP forbids eval).
      const generate = await page.evaluateHandle(`(${makeCsv.toString()})`);
      await page.evaluate(
        ([makeRows, rows, name]) => {
          const transfer = new DataTransfer();
          transfer.items.add(
            new File([(makeRows as unknown as (n: number) => string)(rows)], name, { type: 'text/csv' }),
          );
          for (const type of ['dragenter', 'dragover', 'drop']) {
            document.body.dispatchEvent(
              new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
            );
          }
        },
        [generate, rows, name] as const,
      );
      await generate.dispose();
    },
    async scanFolder(folder) {
      await page.getByRole('button', { name: 'Scan a folder…' }).first().click();
      const dialog = page.getByTestId('folder-chooser');
      const input = dialog.getByLabel('Folder path on the machine running Taskdeck');
      await input.fill(`${folder}/`);
      await input.press('Enter');
    },
  };
}

export function electronDriver(
  app: ElectronApplication,
  page: Page,
  writeCsv: (rows: number, name: string) => string,
): MonitorDriver {
  /** Makes the next native open dialog answer `paths`, as if the user picked them. */
  const answerNextDialog = (paths: string[]) =>
    app.evaluate(({ dialog }, picked) => {
      dialog.showOpenDialog = (async () => ({
        canceled: false,
        filePaths: picked,
      })) as typeof dialog.showOpenDialog;
    }, paths);
  return {
    kind: 'electron',
    page,
    async profileCsv(rows, name) {
      await answerNextDialog([writeCsv(rows, name)]);
      await page.getByRole('button', { name: 'Profile a CSV…' }).first().click();
    },
    async scanFolder(folder) {
      await answerNextDialog([folder]);
      await page.getByRole('button', { name: 'Scan a folder…' }).first().click();
    },
  };
}
