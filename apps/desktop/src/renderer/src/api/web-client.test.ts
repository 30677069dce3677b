// @vitest-environment happy-dom

import { type ConnectionState, MAX_SOCKET_MESSAGE_BYTES } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { createWebClient, NO_SESSION } from './web-client';

// Nothing listens on the discard port: these behaviours must not depend on an answer.
const nowhere = { protocol: 'http:', host: '127.0.0.1:9' };

describe('createWebClient', () => {
  it('refuses a request over the web host message limit with a readable error, without sending it', async () => {
    const api = createWebClient({ location: nowhere, session: 'nonce.mac' });
    const query = 'x'.repeat(MAX_SOCKET_MESSAGE_BYTES);
    await expect(
      api.startTool({ server: 'knowledge', tool: 'search_documents', arguments: { query } }),
    ).rejects.toThrow(
      /^This request \(1\.0 MB\) is larger than the 1\.0 MB the Taskdeck web host accepts in one message: shorten the arguments/,
    );
  });

  it('without a session, does not connect and says how to get one', async () => {
    const api = createWebClient({ location: nowhere, session: undefined });
    const states: ConnectionState[] = [];
    api.onConnection((state) => states.push(state));
    expect(states).toEqual([{ state: 'refused', reason: NO_SESSION }]);
    expect(NO_SESSION).toMatch(/open the address with \?token= that the web host printed/);
    await expect(api.listTasks()).rejects.toThrow(NO_SESSION);
    await expect(api.importFile(new File(['a'], 'a.csv'))).rejects.toThrow(NO_SESSION);
  });
});
