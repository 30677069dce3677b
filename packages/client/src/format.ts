/** Formats every interface shows the same way (the hub, the servers and the CLI use them too). */
export { formatBytes } from '@taskdeck/node-common/format-bytes';
