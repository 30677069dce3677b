import { buildServers } from '../scripts/build-servers.mjs';

/** Integration tests spawn out/servers/<name>.js and out/web/index.js: bundle them first. */
export default async function setup(): Promise<void> {
  await buildServers({ quiet: true });
}
