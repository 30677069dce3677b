import { join } from 'node:path';
import { JsonFileWriter, loadJsonFile } from '@taskdeck/node-common/json-file';
import { KeyedMutex } from '@taskdeck/node-common/keyed-mutex';
import {
  ClusterState,
  type Environment,
  initialCluster,
  nextOperationId,
  type Operation,
  recordOperation,
} from './cluster-state.js';

/**
 * The cluster's state in memory, persisted to `<dataDir>/cloud-ops/cluster.json` after
 * every change (atomically). A missing file starts the seed cluster; a corrupt one (or a
 * folder in its place) is moved aside and reported in `notice`, never fatal. One that can
 * be neither read nor moved aside is left alone: the server keeps running and every tool
 * that needs the state fails with `notice`.
 */
export class ClusterStore {
  /** One operation at a time per service and environment. */
  readonly locks = new KeyedMutex();
  private readonly writer: JsonFileWriter;

  private constructor(
    readonly path: string,
    private readonly current: ClusterState | undefined,
    readonly notice: string | undefined,
  ) {
    this.writer = new JsonFileWriter(path);
  }

  static async open(dataDir: string, now = new Date()): Promise<ClusterStore> {
    const path = join(dataDir, 'cloud-ops', 'cluster.json');
    const loaded = await loadJsonFile(path, ClusterState);
    if (loaded.kind === 'loaded') return new ClusterStore(path, loaded.value, undefined);
    if (loaded.kind === 'stuck') {
      return new ClusterStore(
        path,
        undefined,
        `The saved cluster state ${path} ${loaded.reason}. Repair or remove it, then restart cloud-ops.`,
      );
    }
    const notice =
      loaded.kind === 'corrupt'
        ? `The saved cluster state ${loaded.reason}; it was moved to ${loaded.backupPath} and a fresh cluster was created.`
        : undefined;
    const store = new ClusterStore(path, initialCluster(now), notice);
    await store.save();
    return store;
  }

  /** The cluster; throws the reason when the saved state could not be loaded. */
  get state(): ClusterState {
    if (!this.current) throw new Error(this.notice);
    return this.current;
  }

  /** False when the saved state could not be loaded: every tool that needs it fails. */
  get usable(): boolean {
    return this.current !== undefined;
  }

  save(): Promise<void> {
    return this.writer.save(this.state);
  }

  /** Adds a finished operation to the history, saves, and returns its id. */
  async recordOperation(operation: Omit<Operation, 'id' | 'finishedAt'>): Promise<string> {
    const id = nextOperationId(this.state);
    recordOperation(this.state, { ...operation, id, finishedAt: new Date().toISOString() });
    await this.save();
    return id;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  static lockKey(service: string, environment: Environment): string {
    return `${service}/${environment}`;
  }
}
