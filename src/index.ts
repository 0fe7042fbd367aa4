/**
 * The public library API of cometkeys (the only barrel).
 */
export * from './model.js';
export type * from './api/types.js';
export type * from './plan/model.js';
export { runCli } from './cli/main.js';
