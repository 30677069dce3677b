import { describe, expect, it } from 'vitest';
import { readLauncherChoice, readViewState, rememberLauncherChoice, rememberViewState } from './ui-memory';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('ui memory', () => {
  it('remembers the launcher’s last server and tool', () => {
    const storage = memoryStorage();
    expect(readLauncherChoice(storage)).toBeUndefined();
    rememberLauncherChoice(storage, { server: 'knowledge', tool: 'search_documents' });
    expect(readLauncherChoice(storage)).toEqual({ server: 'knowledge', tool: 'search_documents' });
  });

  it('restores filters, selection and scroll, and ignores what it cannot trust', () => {
    const storage = memoryStorage();
    const view = {
      filter: { status: 'failed' as const, server: 'analytics', text: 'orders' },
      selectedTaskId: 't1',
      scrollTop: 440,
    };
    rememberViewState(storage, view);
    expect(readViewState(storage)).toEqual(view);
    const damaged = memoryStorage({
      'taskdeck.view': JSON.stringify({ filter: { status: 'bogus', server: 7 }, scrollTop: -5 }),
      'taskdeck.launcher': '{not json',
    });
    expect(readViewState(damaged)).toEqual({
      filter: { status: 'all', server: null, text: '' },
      selectedTaskId: null,
      scrollTop: 0,
    });
    expect(readLauncherChoice(damaged)).toBeUndefined();
    expect(readViewState(memoryStorage({ 'taskdeck.view': '[1]' }))).toBeUndefined();
  });

  it('keeps working when storage throws (disabled, full)', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(() => rememberLauncherChoice(broken, { server: 'a', tool: 'b' })).not.toThrow();
    expect(readLauncherChoice(broken)).toBeUndefined();
    expect(readViewState(undefined)).toBeUndefined();
  });
});
