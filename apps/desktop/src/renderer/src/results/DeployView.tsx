import { formatDuration } from '../lib/format';
import type { DeployResult } from './shapes';

const STEP_STYLE: Record<string, { icon: string; tone: string }> = {
  done: { icon: '✓', tone: 'bg-emerald-500 text-white' },
  failed: { icon: '✕', tone: 'bg-red-500 text-white' },
  skipped: { icon: '–', tone: 'bg-neutral-300 text-neutral-700 dark:bg-neutral-700 dark:text-neutral-200' },
  rolled_back: { icon: '↺', tone: 'bg-amber-500 text-white' },
};

const OUTCOME_TONE: Record<string, string> = {
  succeeded: 'text-emerald-700 dark:text-emerald-300',
  unchanged: 'text-neutral-600 dark:text-neutral-300',
  planned: 'text-sky-700 dark:text-sky-300',
  rolled_back: 'text-red-700 dark:text-red-300',
};

/** deploy_service: the version change, its outcome and the step timeline. */
export function DeployView({ deploy }: { deploy: DeployResult }) {
  return (
    <div className="space-y-3" data-testid="deploy-result">
      <p className="text-sm">
        <strong>{deploy.service}</strong> in <strong>{deploy.environment}</strong>: {deploy.fromVersion} →{' '}
        {deploy.toVersion}
        {deploy.dryRun && ' (dry run)'} ·{' '}
        <span className={`font-medium ${OUTCOME_TONE[deploy.outcome] ?? ''}`} data-testid="deploy-outcome">
          {deploy.outcome.replace('_', ' ')}
        </span>
      </p>
      <ol
        className="relative space-y-2 border-l border-neutral-200 pl-5 dark:border-neutral-800"
        aria-label="Deploy steps"
      >
        {deploy.steps.map((step) => {
          const style = STEP_STYLE[step.status] ?? { icon: '•', tone: 'bg-neutral-400 text-white' };
          const took = Date.parse(step.finishedAt) - Date.parse(step.startedAt);
          return (
            <li key={`${step.name}@${step.startedAt}`} className="relative text-sm" data-testid="deploy-step">
              <span
                className={`absolute -left-[1.85rem] top-0.5 flex size-5 items-center justify-center rounded-full text-[10px] ${style.tone}`}
                aria-hidden="true"
              >
                {style.icon}
              </span>
              <span className="font-medium">{step.name}</span>
              <span className="ml-2 text-xs text-neutral-500">
                {step.status.replace('_', ' ')}
                {Number.isFinite(took) && ` · ${formatDuration(took)}`}
              </span>
              <p className="text-xs text-neutral-600 dark:text-neutral-400">{step.message}</p>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
