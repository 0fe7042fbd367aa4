/**
 * The loader of YAML configs (cometkeys.config.yaml/.yml, .cometkeysrc*), called by cosmiconfig.
 * A config in the plain subset key files keep to (docs/performance.md#the-yaml-fast-path) is read
 * on the key files' fast path, which gives what `yaml` gives (the differential tests,
 * test/desired/yaml-fast.test.ts and test/config/yaml-config.test.ts); anything else (block
 * scalars, anchors, flow mappings, a YAML error...) is read by `yaml`, which words its problems.
 * The `yaml` package is loaded only then, and the fast path only when there is a YAML config
 * (docs/performance.md#start-up).
 */
import path from 'node:path';

/** Aliases a YAML config may expand; a real config needs few, a "billion laughs" needs many. */
const MAX_CONFIG_ALIASES = 100;

/**
 * A YAML config's value. `yaml` reads it with its alias limit, like key files: an alias bomb is
 * refused instead of expanding (cosmiconfig's own loader would expand it).
 */
export async function loadYamlConfig(filepath: string, content: string): Promise<unknown> {
  const [{ parseYamlFast }, { yamlLib }] = await Promise.all([
    import('../desired/yaml-fast.js'),
    import('../desired/yaml-source.js'),
  ]);
  const fast = parseYamlFast(content);
  if (fast) return fast.value;
  const { parseDocument } = yamlLib();
  const doc = parseDocument(content, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new Error(`YAML error: ${first?.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`YAML error in ${path.basename(filepath)}: ${msg}`);
  }
}
