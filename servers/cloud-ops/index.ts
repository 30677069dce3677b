import { dataDir, timeScale } from '@taskdeck/node-common/environment';
import { runServer } from '@taskdeck/task-runtime/main';
import { stderrLog } from '@taskdeck/task-runtime/stderr-log';
import { TaskServer } from '@taskdeck/task-runtime/task-server';
import { ClusterStore } from './cluster-store.js';
import { registerDeployService } from './deploy-service.js';
import { registerScaleService } from './scale-service.js';
import { registerQueries } from './service-queries.js';

const NAME = 'cloud-ops';
const scale = timeScale(process.env, (message) => stderrLog(NAME, 'warn', message));
const store = await ClusterStore.open(dataDir());
if (store.notice) stderrLog(NAME, store.usable ? 'warn' : 'error', store.notice);

const server = new TaskServer({
  name: NAME,
  version: '0.1.0',
  title: 'Cloud Ops (simulated cluster)',
  instructions:
    'Deploys and scales services on a simulated cluster whose state persists between runs. ' +
    'deploy_service and scale_service are long: call them as tasks to follow progress and cancel. ' +
    'Deploys to prod ask the user to confirm.',
});
registerDeployService(server, store, scale);
registerScaleService(server, store, scale);
registerQueries(server, store);
await runServer(server, () => store.flush());
