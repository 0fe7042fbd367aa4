/**
 * The public library API of cometkeys (the only barrel): load key files and settings, plan,
 * render, apply, export, talk to the API, and run the emulator — the same pieces the CLI uses.
 *
 * @example
 * ```ts
 * import { createCometClient, createPlan, defaultSettings, loadKeyFiles, renderPlan } from 'cometkeys';
 *
 * const settings = defaultSettings();
 * const now = new Date();
 * const { keys, diagnostics } = await loadKeyFiles({
 *   patterns: ['keys.yaml'], cwd: process.cwd(), quotaPerUsd: settings.quotaPerUsd, now,
 * });
 * if (diagnostics.some((d) => d.severity === 'error')) throw new Error('invalid key files');
 * const client = createCometClient({ baseUrl: settings.baseUrl, token: process.env.COMETAPI_ACCESS_TOKEN! });
 * const plan = createPlan({
 *   desired: keys, server: await client.listKeys(), settings, now,
 *   baseUrl: settings.baseUrl, userId: null, toolVersion: 'library',
 * });
 * process.stdout.write(renderPlan(plan, { format: 'text', color: false, quotaPerUsd: settings.quotaPerUsd }));
 * ```
 */
export * from './model.js';

// The error family: every error thrown on purpose is a CometkeysError (exitCode, safe message)
export { CometkeysError, InternalError } from './errors.js';

// Settings and key files
export { loadSettings, ConfigError, defaultSettings } from './config/index.js';
export type * from './config/types.js';
export {
  loadKeyFiles,
  loadKeyFileText,
  hasErrors,
  normalizeDesiredKey,
  type LoadResult,
} from './desired/index.js';

// The API client
export { createCometClient } from './api/client.js';
export { CometApiError } from './api/errors.js';
export { AccessTokenError } from './api/token.js';
export { RevealUnavailableError } from './api/reveal.js';
export { buildUpdateBody, buildStatusBody } from './api/body.js';
export { BaseUrlError, checkBaseUrl } from './api/url.js';
export type * from './api/types.js';

// Planning and rendering (pure)
export { createPlan, type PlanInput } from './plan/create-plan.js';
export { parsePlanFile, serializePlan } from './plan/plan-file.js';
export { countDrift } from './plan/drift.js';
export { PlanError, PlanFileError } from './plan/errors.js';
export type * from './plan/model.js';
export { renderPlan } from './render/index.js';

// Applying
export { applyPlan } from './apply/apply-plan.js';
export { checkSafety, parseForce, ForceOptionError, SafetyRefusalError } from './apply/safety.js';
export { openAuditLog, type AuditLog } from './apply/audit-log.js';
export { renderApplyText, renderApplyJson, applyExitCode } from './apply/render-result.js';
export type * from './apply/types.js';

// Export
export { exportKeyFile } from './export/export-keys.js';

// The emulator
export { startEmulator, generateKeys } from './emulator/index.js';
export type { Emulator, EmulatorOptions } from './emulator/index.js';

// The CLI, in-process
export { runCli } from './cli/main.js';
export type { CliIo } from './cli/context.js';
