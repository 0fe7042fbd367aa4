// Builds the bench's key files: the export of the seeded account (zero changes), optionally
// edited so that the first `count` keys get a plain update.
import YAML from 'yaml';
import { defaultSettings, exportKeyFile } from './cometkeys.mjs';

/** The key file `cometkeys export` would write for these records: no changes against them. */
export function exportedKeyFile(records) {
  return exportKeyFile(records, {
    quotaPerUsd: defaultSettings().quotaPerUsd,
    unmanagedAction: 'ignore',
    now: new Date(),
  }).text;
}

/** The exported key file with `allow_ips: [ip]` on its first `count` keys: one plain update each. */
export function withAllowIps(exportedText, ip, count) {
  const doc = YAML.parse(exportedText);
  for (const key of doc.keys.slice(0, count)) {
    key.allow_ips = [ip];
    if (Array.isArray(key.ignore_changes)) {
      key.ignore_changes = key.ignore_changes.filter((f) => f !== 'allow_ips');
    }
  }
  return YAML.stringify(doc);
}
