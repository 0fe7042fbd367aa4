/**
 * Value rules shared by desired, plan, render, config, apply and export: how quota amounts,
 * times, IP entries, names, model ids, lists, statuses and paths are read, checked, compared
 * and shown. Pure functions with no state beyond caches. The module's only entry: other
 * modules import from here, never from the files behind it.
 */
export type { Parsed } from './parsed.js';
export {
  MAX_QUOTA_UNITS,
  isDollarString,
  parseQuotaAmount,
  quotaAboveMax,
  formatDollars,
  formatQuota,
  type DollarStyle,
} from './quota.js';
export { MAX_EXPIRY_SECONDS, parseExpiry } from './expiry.js';
export { SECONDS_PER_DAY, formatAgo, formatUnixTime, formatUnixDate, unixSeconds } from './time.js';
export { lastUsedAt, unusedFinding, type UnusedFinding, type UseTimes } from './last-use.js';
export { parseIpEntry, canonicalizeIp, isLoopbackIp, type CanonicalIp } from './ip.js';
export {
  checkName,
  countCodePoints,
  nameByteWarning,
  nameWarnings,
  checkModelId,
  checkGroupName,
  MAX_AUTO_GROUPS,
} from './text.js';
export {
  escapeText,
  quoteText,
  charEscape,
  controlCharProblem,
  invisibleCharWarning,
  stringifyJson,
} from './escape.js';
export { sortedSet, sameSet, normalizeStoredIps, normalizeStoredModels } from './lists.js';
export { compareNameId, type NamedWithId } from './order.js';
export { matchesTarget } from './target.js';
export {
  MAX_ROTATING_NAME_CHARS,
  generationBases,
  generationDate,
  isGenerationOf,
  nextGenerationName,
  parseGeneration,
  type ParsedGeneration,
} from './generation.js';
export { serveBlockers, statusName, type ServeState } from './status.js';
export { displayPath, formatPath } from './path.js';
export { translateAjvError, type PatternHints, type PlainSchemaError } from './schema-messages.js';
export {
  SHOWN_PER_KIND,
  consolidate,
  countKinds,
  moreLine,
  type Consolidated,
} from './consolidate.js';
