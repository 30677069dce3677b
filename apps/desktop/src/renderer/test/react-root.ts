import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

// Tells React that tests wrap their updates in act(), so it flushes them and warns otherwise.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * A React root in a fresh container for every test of the file that calls this at its top
 * level; unmounted and removed after each test. Read `container` and `root` inside tests.
 */
export function reactRoot(): { readonly container: HTMLDivElement; readonly root: Root } {
  let container: HTMLDivElement | undefined;
  let root: Root | undefined;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });
  afterEach(() => {
    act(() => root?.unmount());
    container?.remove();
  });
  const current = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('reactRoot() is available inside tests only');
    return value;
  };
  return {
    get container() {
      return current(container);
    },
    get root() {
      return current(root);
    },
  };
}
