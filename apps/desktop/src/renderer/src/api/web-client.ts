/**
 * `window.taskdeck` for the web build: the client library over the web host's WebSocket
 * (it reconnects by itself, and re-subscribes so the store gets a fresh snapshot), plus
 * uploads of dropped files over HTTP.
 */
import { commandMethods, createTaskdeckClient } from '@taskdeck/client';
import { webSocketTransport } from '@taskdeck/client/websocket-transport';
import {
  SOCKET_PATH,
  type TaskdeckApi,
  UPLOAD_PATH,
  UploadResultSchema,
  webCommands,
} from '@taskdeck/contract';
import { perf } from '../lib/perf';

export function createWebClient(location: Location = window.location): TaskdeckApi {
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SOCKET_PATH}`;
  // bench/ui measures from each message's arrival: parsing and validation are the renderer's work.
  const transport = webSocketTransport({ url: () => socketUrl, onReceive: () => perf.received() });
  const { close: _close, ...client } = createTaskdeckClient(transport);

  function upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
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
