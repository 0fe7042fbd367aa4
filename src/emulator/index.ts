/**
 * The emulator's public surface: a local CometAPI-compatible server for tests, demos, the
 * benchmark and users' CI rehearsals (docs/emulator.md).
 */
export {
  startEmulator,
  DEFAULT_MAX_KEYS,
  DEFAULT_HANG_MS,
  DEFAULT_SEED_RANDOM,
  DEFAULT_GROUPS,
  DEFAULT_REVEAL_RATE_LIMIT,
  GENERATIONS,
  type GenerationSettings,
} from './emulator.js';
export { generateKeys, SHAPE_COUNT, type GenerateOptions } from './generate.js';
export { createRandom, maskSecret, type Random } from './random.js';
export { loadSeedFile, checkSeedRecords, SeedError } from './seed-file.js';
export {
  MESSAGES,
  MAX_NAME_BYTES,
  MAX_QUOTA_VALUE,
  INT32_QUOTA_MAX,
  MAX_AUTO_GROUPS,
  MAX_REVEAL_IDS,
} from './handlers.js';
export { PAT_UNAUTHORIZED_CODE } from './server.js';
export { MODEL_CATALOGUE } from './models.js';
export { FAULT_KINDS } from './types.js';
export type * from './types.js';
