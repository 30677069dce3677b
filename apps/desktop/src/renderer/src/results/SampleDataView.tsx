import { formatBytes } from '@taskdeck/client/format';
import { Button } from '../components/ui';
import { plural } from '../lib/format';
import { CSV_NAME, profileCsvPath } from '../state/actions';
import type { SampleData } from './shapes';

/** A data file written for the user: what is in it, where it is, and profiling it in one click. */
export function SampleDataView({ sample }: { sample: SampleData }) {
  return (
    <div className="space-y-3" data-testid="sample-data">
      <p className="text-sm">
        <strong>{plural(sample.recordCount, 'record')}</strong> as {sample.format.toUpperCase()} ·{' '}
        {formatBytes(sample.bytes)}
        {sample.seed !== undefined && ` · seed ${sample.seed}`}
      </p>
      <p className="break-all font-mono text-xs text-neutral-600 dark:text-neutral-400" title={sample.path}>
        {sample.path}
      </p>
      {CSV_NAME.test(sample.path) && (
        <Button variant="primary" onClick={() => void profileCsvPath(sample.path)}>
          Profile this file
        </Button>
      )}
    </div>
  );
}
