import { delay } from '@taskdeck/node-common/environment';
import type { ToolContext } from '@taskdeck/task-runtime/task-server';
import type { StepRecord } from './cluster-state.js';

/**
 * Runs an operation's simulated steps: each waits its (scaled) duration, reports
 * progress in units of steps, logs, and is recorded with its timing for the history
 * and the UI's step timeline.
 */
export class OperationTimeline {
  readonly steps: StepRecord[] = [];
  private done = 0;

  constructor(
    private readonly ctx: ToolContext,
    private readonly total: number,
    private readonly timeScale: number,
  ) {}

  /** Runs one step; `check` runs at its end and may throw to fail the step. */
  async step(name: string, message: string, seconds: number, check?: () => void): Promise<void> {
    const startedAt = new Date().toISOString();
    this.ctx.progress(this.done, this.total, message);
    this.ctx.log.info(message);
    try {
      await delay(seconds * 1000 * this.timeScale, this.ctx.signal);
      check?.();
    } catch (error) {
      const reason = this.ctx.signal.aborted ? 'cancelled' : (error as Error).message;
      this.record(name, 'failed', `${message}: ${reason}`, startedAt);
      throw error;
    }
    this.record(name, 'done', message, startedAt);
    this.done++;
  }

  record(
    name: string,
    status: StepRecord['status'],
    message: string,
    startedAt = new Date().toISOString(),
  ): void {
    this.steps.push({ name, status, message, startedAt, finishedAt: new Date().toISOString() });
  }

  complete(message: string): void {
    this.ctx.progress(this.total, this.total, message);
  }
}
