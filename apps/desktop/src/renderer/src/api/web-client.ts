/**
 * `window.taskdeck` for the web build: the client library over the web host's WebSocket
 * (it reconnects by itself and re-subscribes, so the store gets a fresh snapshot), plus
 * uploads of dropped files over HTTP. The page's session (web-session.ts) authenticates the
 * socket (a subprotocol) and uploads (a header).
 */
import { commandMethods, createTaskdeckClient } from '@taskdeck/client';
import { webSocketTransport } from '@taskdeck/client/websocket-transport';
import {
  MAX_UPLOAD_NAME_BYTES,
  SESSION_HEADER,
  SESSION_PROTOCOL_PREFIX,
  SESSION_REFUSED_CLOSE_CODE,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  type TaskdeckApi,
  UPLOAD_PATH,
  UploadResultSchema,
  webCommands,
} from '@taskdeck/contract';
import { shortenFileName } from '@taskdeck/contract/file-name';
import { perf } from '../lib/perf';

const OPEN_WITH_TOKEN = 'open the address with ?token= that the web host printed when it started';
export const NO_SESSION = `This page has no session with the Taskdeck web host: ${OPEN_WITH_TOKEN}`;
export const STALE_SESSION = `The Taskdeck web host no longer knows this page (it restarted): ${OPEN_WITH_TOKEN}`;

export interface WebClientOptions {
  location: Pick<Location, 'protocol' | 'host'>;
  /** From takeSession(); without one the client does not connect and every call fails with NO_SESSION. */
  session: string | undefined;
}

export function createWebClient({ location, session }: WebClientOptions): TaskdeckApi {
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SOCKET_PATH}`;
  const transport = webSocketTransport({
    url: () => socketUrl,
    protocols: () => [SOCKET_PROTOCOL, `${SESSION_PROTOCOL_PREFIX}${session}`],
    refused: session ? undefined : NO_SESSION,
    refusal: { code: SESSION_REFUSED_CLOSE_CODE, reason: STALE_SESSION },
    // bench/ui measures from each message's arrival: parsing and validation are the renderer's work.
    onReceive: () => perf.received(),
  });
  const { close: _close, ...client } = createTaskdeckClient(transport);

  function upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      if (!session) {
        reject(new Error(NO_SESSION));
        return;
      }
      const xhr = new XMLHttpRequest();
      const name = shortenFileName(file.name, MAX_UPLOAD_NAME_BYTES);
      xhr.open('POST', `${UPLOAD_PATH}?name=${encodeURIComponent(name)}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader(SESSION_HEADER, session);
      xhr.upload.onprogress = (event) =>
        onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
      xhr.onerror = () => reject(new Error(`Uploading ${file.name} failed: the web host did not answer`));
      xhr.onload = () => {
        if (xhr.status !== 200) {
          reject(
            new Error(`Uploading ${file.name} failed: ${xhr.responseText.trim() || `HTTP ${xhr.status}`}`),
          );
          return;
        }
        try {
          resolve(UploadResultSchema.parse(JSON.parse(xhr.responseText)).path);
        } catch {
          reject(new Error(`Uploading ${file.name} failed: unexpected answer from the web host`));
        }
      };
      xhr.send(file);
    });
  }

  return { ...client, host: 'web', importFile: upload, web: commandMethods(transport, webCommands) };
}
