/**
 * The keyboard shortcuts: one table, used by the key handler and shown in the shortcuts help
 * (`?`). Single keys without modifiers, as in mail and issue trackers; they act only when no
 * text field has the focus and no dialog is open, so typing is never taken over.
 */
export type ShortcutAction =
  | 'new-task'
  | 'cancel-task'
  | 'next-task'
  | 'previous-task'
  | 'focus-search'
  | 'close-detail'
  | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.key values. */
  keys: readonly string[];
  /** As shown in the help. */
  label: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'new-task', keys: ['n'], label: 'N', description: 'New task' },
  { action: 'next-task', keys: ['j'], label: 'J', description: 'Next task' },
  { action: 'previous-task', keys: ['k'], label: 'K', description: 'Previous task' },
  {
    action: 'cancel-task',
    keys: ['x', 'Delete'],
    label: 'X or Delete',
    description: 'Cancel the selected task (asks first)',
  },
  { action: 'focus-search', keys: ['/'], label: '/', description: 'Search tasks' },
  { action: 'close-detail', keys: ['Escape'], label: 'Esc', description: 'Close the task detail' },
  { action: 'help', keys: ['?'], label: '?', description: 'Show these shortcuts' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focus is in a text field, a select or something editable. */
  inField: boolean;
  /** A dialog is open. */
  inDialog: boolean;
}

/** The action a key press asks for, or undefined when it is not a shortcut here. */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey || press.inDialog || press.inField) return undefined;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  // `?` is Shift+/ on most layouts: the character decides, not the Shift key.
  return SHORTCUTS.find((shortcut) => shortcut.keys.includes(key === '?' ? '?' : key))?.action;
}

/** Whether the focused element takes typing (a shortcut must not steal its keys). */
export function isTypingTarget(element: Element | null): boolean {
  if (!element) return false;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (element as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return (element as HTMLElement).isContentEditable === true;
}
