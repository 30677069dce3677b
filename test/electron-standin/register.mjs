// `node --import ./register.mjs out/main/index.js`: maps the `electron` module to the stand-in
// (electron-main.mjs) through a resolve hook, so the built main process runs under plain Node.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url);
