/**
 * Imported first by every bundle that runs under the UI's CSP (the preload, the renderer):
 * zod decides when a schema is built whether it may compile a fast parser with `new Function`,
 * and the preload runs before the page's CSP applies, so a later `z.config` comes too late and
 * every parse would throw EvalError once the policy (no 'unsafe-eval') is in force.
 */
import { z } from 'zod';

z.config({ jitless: true });
