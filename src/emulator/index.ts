/**
 * The emulator's public surface: a local CometAPI-compatible server for tests, demos, the
 * benchmark and users' CI rehearsals (SPEC §9).
 */
export {
  startEmulator,
  DEFAULT_MAX_KEYS,
  DEFAULT_HANG_MS,
  DEFAULT_SEED_RANDOM,
} from './emulator.js';
export { generateKeys, SHAPE_COUNT, type GenerateOptions } from './generate.js';
export { createRandom, maskSecret, type Random } from './random.js';
export { loadSeedFile, checkSeedRecords, SeedError } from './seed-file.js';
export { MESSAGES, MAX_NAME_BYTES, MAX_QUOTA_VALUE } from './handlers.js';
export { MODEL_CATALOGUE } from './models.js';
export { FAULT_KINDS } from './types.js';
export type {
  Emulator,
  EmulatorOptions,
  FaultKind,
  LoggedRequest,
  RuntimeOptions,
  SeedRecord,
  StatusMode,
  StoredKey,
} from './types.js';
