/**
 * The main window's size and position, kept in `<userData>/window-state.json`. Restored only
 * when it still fits on a connected display (monitors change between runs).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function loadWindowState(file: string): WindowState | undefined {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename: a crash mid-write must not leave a half file.
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    console.warn(`Taskdeck: could not save the window position: ${(error as Error).message}`);
  }
}

/** True when at least a 100×50 px strip of `bounds` (its title bar area) lies on one of `displays`. */
export function isVisibleOn(bounds: Rect, displays: readonly Rect[]): boolean {
  return displays.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapY = Math.min(bounds.y + 50, area.y + area.height) - Math.max(bounds.y, area.y);
    return overlapX >= 100 && overlapY >= 30;
  });
}
