// Builds the bench's key files: the export of the seeded account (zero changes), optionally
// edited so that every key gets a plain update.
import YAML from 'yaml';

/** The exported key file with `allow_ips` set on every key: one plain update per key. */
export function withAllowIpsOnEveryKey(exportedText, ip) {
  const doc = YAML.parse(exportedText);
  for (const key of doc.keys) {
    key.allow_ips = [ip];
    if (Array.isArray(key.ignore_changes)) {
      key.ignore_changes = key.ignore_changes.filter((f) => f !== 'allow_ips');
    }
  }
  return YAML.stringify(doc);
}
