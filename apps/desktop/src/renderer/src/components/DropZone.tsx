import { useEffect, useState } from 'react';
import { profileCsvFile } from '../state/actions';

const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/** Drop a CSV anywhere on the window to profile it: an overlay shows while files hover. */
export function DropZone() {
  const [hovering, setHovering] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setHovering(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setHovering(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      // Never let the browser navigate to the dropped file.
      event.preventDefault();
      depth = 0;
      setHovering(false);
      for (const file of Array.from(event.dataTransfer?.files ?? [])) void profileCsvFile(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!hovering) return null;
  return (
    <div
      data-testid="drop-overlay"
      className="pointer-events-none fixed inset-0 z-40 flex items-center justify-center bg-sky-500/10 backdrop-blur-[1px]"
    >
      <div className="rounded-xl border-2 border-dashed border-sky-500 bg-white/90 px-8 py-6 text-center dark:bg-neutral-900/90">
        <p className="text-lg font-semibold">Drop a CSV file to profile it</p>
        <p className="text-sm text-neutral-500">analyze_csv on the analytics server</p>
      </div>
    </div>
  );
}
