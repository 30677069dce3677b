// @vitest-environment happy-dom

import type { TaskSummary } from '@taskdeck/contract';
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { reactRoot } from '../../test/react-root';
import { useStore } from '../state/store';
import { InputRequestDialog } from './InputRequestDialog';
import { Notices } from './Notices';
import { ProgressBar } from './ProgressBar';
import { ServersPanel } from './ServersPanel';
import { StatusBadge } from './ui';
import { VirtualList } from './VirtualList';

const task = (patch: Partial<TaskSummary>): TaskSummary => ({
  id: 't',
  server: 's',
  tool: 'x',
  mode: 'task',
  status: 'working',
  createdAt: 0,
  updatedAt: 0,
  ...patch,
});

const dom = reactRoot();

describe('ProgressBar', () => {
  const bar = () => dom.container.querySelector('[role=progressbar]') as HTMLElement;

  it('carries its values when the task reports a total', () => {
    act(() => dom.root.render(<ProgressBar task={task({ progress: 30, total: 120 })} label="p" />));
    expect(bar().getAttribute('aria-valuenow')).toBe('30');
    expect(bar().getAttribute('aria-valuemax')).toBe('120');
    expect(bar().getAttribute('aria-valuetext')).toBe('25 %');
    expect(bar().dataset.state).toBe('determinate');
  });

  it('is indeterminate without a total, and full when completed', () => {
    act(() => dom.root.render(<ProgressBar task={task({ progress: 30 })} label="p" />));
    expect(bar().hasAttribute('aria-valuenow')).toBe(false);
    expect(bar().dataset.state).toBe('indeterminate');
    act(() => dom.root.render(<ProgressBar task={task({ status: 'completed', progress: 30 })} label="p" />));
    expect(bar().getAttribute('aria-valuenow')).toBe('100');
    act(() => dom.root.render(<ProgressBar task={task({ status: 'cancelled', progress: 30 })} label="p" />));
    expect(bar().dataset.state).toBe('ended');
  });
});

describe('VirtualList', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `task-${i}`);

  it('puts only the rows in view (plus overscan) in the DOM, at their offsets', () => {
    act(() =>
      dom.root.render(
        <VirtualList ids={ids} rowHeight={50} label="Tasks" renderRow={(id) => <span>{id}</span>} />,
      ),
    );
    const rows = dom.container.querySelectorAll('li');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    const list = dom.container.querySelector('ul') as HTMLElement;
    expect(list.style.height).toBe(`${ids.length * 50}px`);
    expect((rows[1] as HTMLElement).style.top).toBe('50px');
  });

  it('moves the selection with the arrow keys, Home and End', () => {
    const moves: string[] = [];
    act(() =>
      dom.root.render(
        <VirtualList
          ids={ids}
          rowHeight={50}
          label="Tasks"
          selectedId="task-5"
          onMove={(id) => moves.push(id)}
          renderRow={(id) => <span>{id}</span>}
        />,
      ),
    );
    const scroller = dom.container.firstElementChild as HTMLElement;
    for (const key of ['ArrowDown', 'ArrowUp', 'End', 'Home']) {
      act(() => {
        scroller.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      });
    }
    expect(moves).toEqual(['task-6', 'task-4', 'task-9999', 'task-0']);
  });
});

describe('Notices', () => {
  it('shows each notice of the hub until it is dismissed', () => {
    act(() =>
      useStore.getState().receive({
        type: 'snapshot',
        servers: [],
        tasks: [],
        roots: [],
        notices: [
          { id: 'n1', at: 1, level: 'warning', message: '1 line of the task history could not be read' },
          { id: 'n2', at: 2, level: 'error', message: 'Your server list is not valid JSON' },
        ],
      }),
    );
    act(() => dom.root.render(<Notices />));
    const shown = () => [...dom.container.querySelectorAll('[data-testid=notice]')] as HTMLElement[];
    const dismissFirst = () =>
      act(() => dom.container.querySelector<HTMLButtonElement>('[data-testid=notice] button')?.click());
    expect(shown().map((n) => [n.getAttribute('role'), n.querySelector('p')?.textContent])).toEqual([
      ['status', '1 line of the task history could not be read'],
      ['alert', 'Your server list is not valid JSON'],
    ]);
    dismissFirst();
    expect(shown().map((n) => n.dataset.level)).toEqual(['error']);
    dismissFirst();
    expect(dom.container.innerHTML).toBe('');
  });
});

describe('StatusBadge', () => {
  it('says what a newer Taskdeck wrote when the status is unknown', () => {
    act(() => dom.root.render(<StatusBadge status="unknown" unrecognizedStatus="paused" />));
    const badge = dom.container.querySelector('[data-testid=task-status]') as HTMLElement;
    expect(badge.textContent).toBe('unknown');
    expect(badge.title).toBe("unknown status 'paused' (written by a newer Taskdeck)");
    act(() => dom.root.render(<StatusBadge status="completed" />));
    expect(dom.container.querySelector('[data-testid=task-status]')?.hasAttribute('title')).toBe(false);
  });
});

describe('ServersPanel', () => {
  it('shows a server that starts on first use as idle, with its cached tools ready to run', () => {
    const tool = { name: 'scan_project', inputSchema: { type: 'object' }, taskSupport: 'optional' as const };
    act(() =>
      useStore.getState().receive({
        type: 'snapshot',
        servers: [
          { name: 'dev-tools', bundled: true, status: 'idle', restarts: 0, tools: [tool], stderrTail: [] },
        ],
        tasks: [],
        roots: [],
        notices: [],
      }),
    );
    act(() => dom.root.render(<ServersPanel />));
    const card = dom.container.querySelector('[data-testid=server][data-server="dev-tools"]') as HTMLElement;
    const badge = card.querySelector('[data-testid=server-status]') as HTMLElement;
    expect(badge.textContent).toBe('idle');
    expect(badge.title).toBe('Not running; starts on first use');
    expect(card.textContent).toContain('1 tool · starts on first use');
    // Healthy: one line until opened.
    act(() => card.querySelector<HTMLButtonElement>('h3 button')?.click());
    const buttons = [...card.querySelectorAll('button')].slice(1).map((b) => b.textContent);
    expect(buttons).toEqual(['Start', 'Restart', 'Run a tool…']);
  });
});

describe('InputRequestDialog', () => {
  it('blocks Accept while a required field is empty, with the message at the field', () => {
    const asking = task({
      id: 'q1',
      status: 'input_required',
      updatedAt: 5,
      input: {
        message: 'Why roll back?',
        requestedSchema: {
          type: 'object',
          properties: { reason: { type: 'string', title: 'Reason' } },
          required: ['reason'],
        },
      },
    });
    act(() => {
      useStore.getState().receive({ type: 'snapshot', servers: [], tasks: [asking], roots: [], notices: [] });
      useStore.getState().openDialog({ kind: 'question', taskId: 'q1' });
    });
    act(() => dom.root.render(<InputRequestDialog />));
    const accept = [...dom.container.querySelectorAll('button')].find((b) => b.textContent === 'Accept');
    act(() => accept?.click());
    const reason = dom.container.querySelector<HTMLInputElement>('input[name=reason]');
    expect(reason?.getAttribute('aria-invalid')).toBe('true');
    const error = dom.container.querySelector('[data-testid=field-error]');
    expect(error?.textContent).toBe('Required');
    expect(reason?.getAttribute('aria-describedby')).toContain(error?.id);
    // Nothing was sent: the question is still the open dialog.
    expect(useStore.getState().dialog).toEqual({ kind: 'question', taskId: 'q1' });
  });
});
