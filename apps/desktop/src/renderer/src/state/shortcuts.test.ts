import { describe, expect, it } from 'vitest';
import { type KeyPress, SHORTCUTS, shortcutFor } from './shortcuts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  inField: false,
  inDialog: false,
  ...extra,
});

describe('shortcuts', () => {
  it('maps single keys to actions, whatever the case', () => {
    expect(shortcutFor(press('n'))).toBe('new-task');
    expect(shortcutFor(press('N'))).toBe('new-task');
    expect(shortcutFor(press('j'))).toBe('next-task');
    expect(shortcutFor(press('k'))).toBe('previous-task');
    expect(shortcutFor(press('x'))).toBe('cancel-task');
    expect(shortcutFor(press('Delete'))).toBe('cancel-task');
    expect(shortcutFor(press('/'))).toBe('focus-search');
    expect(shortcutFor(press('?'))).toBe('help');
    expect(shortcutFor(press('Escape'))).toBe('close-detail');
    expect(shortcutFor(press('q'))).toBeUndefined();
  });

  it('never takes keys from a text field, a dialog or a browser shortcut', () => {
    expect(shortcutFor(press('n', { inField: true }))).toBeUndefined();
    expect(shortcutFor(press('n', { inDialog: true }))).toBeUndefined();
    expect(shortcutFor(press('n', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(press('k', { metaKey: true }))).toBeUndefined();
    expect(shortcutFor(press('/', { altKey: true }))).toBeUndefined();
  });

  it('lists every action once in the help, each with a label and a description', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(SHORTCUTS.every((s) => s.label && s.description && s.keys.length > 0)).toBe(true);
  });
});
