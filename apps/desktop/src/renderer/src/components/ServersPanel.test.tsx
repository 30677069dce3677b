// @vitest-environment happy-dom
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values may use ${env:NAME}, not templates

import type { AddRemoteServer, ServerInfo, TaskdeckApi } from '@taskdeck/contract';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../state/store';
import { ServersPanel } from './ServersPanel';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** The host API as far as the servers pane uses it: records the calls, fails when told to. */
const calls: { added: AddRemoteServer[]; removed: string[]; failWith?: string } = { added: [], removed: [] };
(window as unknown as { taskdeck: Partial<TaskdeckApi> }).taskdeck = {
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

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  calls.added = [];
  calls.removed = [];
  calls.failWith = undefined;
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
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
  act(() => root.render(<ServersPanel />));
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const card = (name: string) => container.querySelector(`[data-server="${name}"]`) as HTMLElement;
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
  const form = container.querySelector('form[aria-label="Add a remote server"]') as HTMLFormElement;
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
    expect(remote.querySelector('summary')?.textContent).toBe('connection log (1 line)');
    expect(button(remote, 'Stop')).toBeDefined();
    expect(button(remote, 'Remove…')).toBeDefined();
    expect(card('cloud-ops').querySelector('summary')?.textContent).toBe('stderr (1 line)');
    expect(button(card('cloud-ops'), 'Remove…')).toBeUndefined();
  });

  it('adds a remote server by name, URL and headers', async () => {
    await click(button(container, 'Add a remote server…'));
    const form = fill('docs', ' https://docs.example.com/mcp ', 'Authorization: Bearer ${env:DOCS_TOKEN}\n');
    await click(button(form, 'Add server'));
    expect(calls.added).toEqual([
      {
        name: 'docs',
        url: 'https://docs.example.com/mcp',
        headers: { Authorization: 'Bearer ${env:DOCS_TOKEN}' },
      },
    ]);
    expect(container.querySelector('form')).toBeNull(); // closed once added
  });

  it('says what is wrong: a header line it cannot read, or the hub’s refusal, and keeps the form', async () => {
    await click(button(container, 'Add a remote server…'));
    let form = fill('docs', 'https://docs.example.com/mcp', 'Bearer abc');
    await click(button(form, 'Add server'));
    expect(form.querySelector('[role=alert]')?.textContent).toBe('Header line 1: write it as Name: value');
    expect(calls.added).toEqual([]);

    calls.failWith = 'There is already a server named "docs".';
    form = fill('docs', 'https://docs.example.com/mcp');
    await click(button(form, 'Add server'));
    expect(form.querySelector('[role=alert]')?.textContent).toBe('There is already a server named "docs".');
    expect(container.querySelector('form')).not.toBeNull();
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
