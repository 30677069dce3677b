import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';

interface VirtualListProps {
  ids: readonly string[];
  rowHeight: number;
  renderRow(id: string, index: number): ReactNode;
  label: string;
  /** Rows drawn above and below the visible ones; Infinity draws every row (bench anchor). */
  overscan?: number;
  selectedId?: string | null;
  onMove?(id: string): void;
  /** Where to start scrolled to (a reload restores it). */
  initialScrollTop?: number;
  /** Where the list rests after scrolling (reported once it stops, not on every frame). */
  onScrollSettled?(scrollTop: number): void;
}

/** How long the list must be still before its position is reported. */
const SETTLE_MS = 250;

/**
 * A windowed list of fixed-height rows: only the rows in view (plus a few) exist in the DOM,
 * so thousands of tasks scroll and update as cheaply as a screenful. Arrow keys, Home and
 * End move the selection and keep it in view.
 */
export function VirtualList({
  ids,
  rowHeight,
  renderRow,
  label,
  overscan = 6,
  selectedId,
  onMove,
  initialScrollTop = 0,
  onScrollSettled,
}: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(initialScrollTop);
  const [height, setHeight] = useState(600);
  const settle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const settled = useRef(onScrollSettled);
  settled.current = onScrollSettled;

  // On mount only: scrollTop is the starting position; later scrolling is the user's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.scrollTop = scrollTop;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(settle.current);
    };
  }, []);

  const scrollIntoView = useCallback(
    (index: number) => {
      const element = ref.current;
      if (!element) return;
      const top = index * rowHeight;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + rowHeight > element.scrollTop + element.clientHeight)
        element.scrollTop = top + rowHeight - element.clientHeight;
    },
    [rowHeight],
  );

  // A selection made elsewhere (a shortcut, a toast's "Show task") comes into view; only when the
  // selection changes (not on mount: a reload restores the scroll position as it was), and
  // not when the list grows: that must not pull the view back.
  const shownSelection = useRef(selectedId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: ids are read, not watched.
  useEffect(() => {
    if (selectedId === shownSelection.current) return;
    shownSelection.current = selectedId;
    if (selectedId) {
      const index = ids.indexOf(selectedId);
      if (index >= 0) scrollIntoView(index);
    }
  }, [selectedId, scrollIntoView]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!onMove || ids.length === 0) return;
    const current = selectedId ? ids.indexOf(selectedId) : -1;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: ids.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const index = Math.min(ids.length - 1, Math.max(0, target));
    onMove(ids[index] as string);
    scrollIntoView(index);
  }

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(ids.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const id = ids[index] as string;
    rows.push(
      <li key={id} className="absolute inset-x-0" style={{ top: index * rowHeight, height: rowHeight }}>
        {renderRow(id, index)}
      </li>,
    );
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the scroll box takes focus for arrow-key navigation of the list inside.
    <div
      ref={ref}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: same reason: keyboard users reach the list here.
      tabIndex={0}
      data-list={label}
      onKeyDown={onKeyDown}
      onScroll={(event) => {
        const top = event.currentTarget.scrollTop;
        setScrollTop(top);
        clearTimeout(settle.current);
        settle.current = setTimeout(() => settled.current?.(top), SETTLE_MS);
      }}
      className="relative h-full overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500"
    >
      <ul aria-label={label} className="relative" style={{ height: ids.length * rowHeight }}>
        {rows}
      </ul>
    </div>
  );
}
