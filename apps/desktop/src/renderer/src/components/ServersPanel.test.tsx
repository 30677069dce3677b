// @vitest-environment happy-dom
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values may use ${env:NAME}, not templates

import type { AddRemoteServer, ServerInfo, TaskdeckApi } from '@taskdeck/contract';
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reactRoot } from '../../test/react-root';
import { useStore } from '../state/store';
import { ServersPanel } from './ServersPanel';

/** The host API as far as the servers pane uses it: records the calls, fails when told to. */
const calls: {
  added: AddRemoteServer[];
  removed: string[];
  signIns: string[];
  signOuts: string[];
  failWith?: string;
} = { added: [], removed: [], signIns: [], signOuts: [] };
const AUTHORIZATION_URL = 'https://as.example.com/authorize?client_id=taskdeck&state=s';
(window as unknown as { taskdeck: Partial<TaskdeckApi> }).taskdeck = {
  signIn: async (name) => {
    if (calls.failWith) throw new Error(calls.failWith);
    calls.signIns.push(name);
    return { authorizationUrl: AUTHORIZATION_URL };
  },
  signOut: async (name) => {
    calls.signOuts.push(name);
    return null;
  },
  addServer: async (request) => {
    if (calls.failWith) throw new Error(calls.failWith);
    calls.added.push(request);
    return null;
  },
  removeServer: async (name) => {
    calls.removed.push(name);
    return null;
  },
};

const server = (name: string, patch: Partial<ServerInfo> = {}): ServerInfo => ({
  name,
  bundled: false,
  status: 'ready',
  restarts: 0,
  tools: [],
  stderrTail: [],
  ...patch,
});

const dom = reactRoot();
beforeEach(() => {
  calls.added = [];
  calls.removed = [];
  calls.signIns = [];
  calls.signOuts = [];
  calls.failWith = undefined;
  act(() =>
    useStore.getState().receive({
      type: 'snapshot',
      servers: [
        server('cloud-ops', { bundled: true, transport: 'stdio', stderrTail: ['info: ready'] }),
        server('remote', {
          transport: 'http',
          url: 'https://mcp.example.com/mcp',
          status: 'reconnecting',
          stderrTail: ['[taskdeck] connecting again in 1.0 s'],
        }),
      ],
      tasks: [],
      roots: [],
    }),
  );
  act(() => dom.root.render(<ServersPanel />));
});

const card = (name: string) => dom.container.querySelector(`[data-server="${name}"]`) as HTMLElement;
/** A healthy server is one line: its card opens on a click. */
function opened(name: string): HTMLElement {
  const header = card(name).querySelector<HTMLButtonElement>('h3 button');
  if (header?.getAttribute('aria-expanded') === 'false') act(() => header.click());
  return card(name);
}
const button = (within: ParentNode, text: string) =>
  [...within.querySelectorAll('button')].find((b) => b.textContent === text) as HTMLButtonElement;
async function click(target: HTMLButtonElement) {
  await act(async () => target.click());
}
function type(field: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto =
    field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
function fill(name: string, url: string, headers = '') {
  const form = dom.container.querySelector('form[aria-label="Add a remote server"]') as HTMLFormElement;
  const [nameField, urlField] = form.querySelectorAll('input');
  type(nameField as HTMLInputElement, name);
  type(urlField as HTMLInputElement, url);
  type(form.querySelector('textarea') as HTMLTextAreaElement, headers);
  return form;
}

describe('ServersPanel with remote servers', () => {
  it('shows a remote server with its URL, its state and its connection log; only user servers can be removed', () => {
    const remote = card('remote');
    expect(remote.querySelector('[data-testid=server-url]')?.textContent).toBe(
      'HTTP · https://mcp.example.com/mcp',
    );
    expect(remote.querySelector('[data-testid=server-status]')?.textContent).toBe('reconnecting');
    expect(remote.querySelector('summary')?.textContent).toBe('Connection log (1 line)');
    expect(button(remote, 'Stop')).toBeDefined();
    expect(button(remote, 'Remove…')).toBeDefined();
    expect(opened('cloud-ops').querySelector('summary')?.textContent).toBe('Error output (1 line)');
    expect(button(card('cloud-ops'), 'Remove…')).toBeUndefined();
  });

  it('adds a remote server by name, URL and headers', async () => {
    await click(button(dom.container, 'Add a remote server…'));
    const form = fill('docs', ' https://docs.example.com/mcp ', 'Authorization: Bearer ${env:DOCS_TOKEN}\n');
    await click(button(form, 'Add server'));
    expect(calls.added).toEqual([
      {
        name: 'docs',
        url: 'https://docs.example.com/mcp',
        headers: { Authorization: 'Bearer ${env:DOCS_TOKEN}' },
      },
    ]);
    expect(dom.container.querySelector('form')).toBeNull(); // closed once added
  });

  it('says what is wrong: a header line it cannot read, or the hub’s refusal, and keeps the form', async () => {
    await click(button(dom.container, 'Add a remote server…'));
    let form = fill('docs', 'https://docs.example.com/mcp', 'Bearer abc');
    await click(button(form, 'Add server'));
    expect(form.querySelector('[role=alert]')?.textContent).toBe('Header line 1: write it as Name: value');
    expect(calls.added).toEqual([]);

    calls.failWith = 'There is already a server named "docs".';
    form = fill('docs', 'https://docs.example.com/mcp');
    await click(button(form, 'Add server'));
    expect(form.querySelector('[role=alert]')?.textContent).toBe('There is already a server named "docs".');
    expect(dom.container.querySelector('form')).not.toBeNull();
  });

  it('removes a user server after a confirmation', async () => {
    const remote = card('remote');
    await click(button(remote, 'Remove…'));
    await click(button(remote, 'Keep'));
    expect(calls.removed).toEqual([]);
    await click(button(remote, 'Remove…'));
    expect(remote.textContent).toContain('Remove remote from your servers.json?');
    await click(button(remote, 'Remove'));
    expect(calls.removed).toEqual(['remote']);
  });
});

describe('ServersPanel: signing in to a remote server', () => {
  const update = (patch: Partial<ServerInfo>) =>
    act(() =>
      useStore.getState().receive({
        type: 'batch',
        tasks: [],
        logs: [],
        servers: [server('remote', { transport: 'http', url: 'https://mcp.example.com/mcp', ...patch })],
      }),
    );

  it('offers Sign in when the server needs it, opens the authorization page, and says to finish there', async () => {
    const opened = vi.spyOn(window, 'open').mockReturnValue(null);
    update({ status: 'needs_sign_in', error: 'answered HTTP 401', auth: { state: 'signed_out' } });
    const remote = card('remote');
    expect(button(remote, 'Sign out')).toBeUndefined();
    await click(button(remote, 'Sign in'));
    expect(calls.signIns).toEqual(['remote']);
    expect(opened).toHaveBeenCalledWith(AUTHORIZATION_URL, '_blank', 'noopener,noreferrer');
    opened.mockRestore();
    update({ status: 'needs_sign_in', auth: { state: 'pending' } });
    expect(remote.querySelector('[role=status]')?.textContent).toBe(
      'Finish signing in in your browser. Open the sign-in page',
    );
    const link = remote.querySelector('a') as HTMLAnchorElement;
    expect(link.href).toBe(AUTHORIZATION_URL);
    expect(link.rel).toBe('noopener noreferrer');
    expect(button(remote, 'Sign in again')).toBeDefined();
  });

  it('shows who is signed in with Sign out, and Sign in again when the server asks for more access', async () => {
    update({
      status: 'ready',
      auth: { state: 'signed_in', scopes: ['mcp'], authorizationServer: 'https://as.example.com' },
    });
    const remote = opened('remote');
    expect(remote.querySelector('[data-testid=server-sign-in]')?.textContent).toContain(
      'Signed in at https://as.example.com · mcp',
    );
    expect(button(remote, 'Sign in')).toBeUndefined();
    await click(button(remote, 'Sign out'));
    expect(calls.signOuts).toEqual(['remote']);

    update({ status: 'ready', auth: { state: 'signed_in', scopes: ['mcp'], needsScopes: ['deploy'] } });
    expect(remote.textContent).toContain('It asks for more access: deploy.');
    expect(button(remote, 'Sign in')).toBeDefined();
  });

  it('says why a sign-in could not start, and shows nothing for a server without sign-in', async () => {
    update({ status: 'needs_sign_in', auth: { state: 'signed_out' } });
    calls.failWith = 'Signing in to remote failed: no authorization server';
    await click(button(card('remote'), 'Sign in'));
    expect(useStore.getState().toasts.at(-1)).toMatchObject({
      kind: 'error',
      title: 'Could not sign in to remote',
      body: 'Signing in to remote failed: no authorization server',
    });
    update({ status: 'ready', auth: undefined });
    expect(card('remote').querySelector('[data-testid=server-sign-in]')).toBeNull();
  });
});
