// The pieces of cometkeys the bench itself uses to prepare key files, from the build output
// (`npm run bench` builds first). The measured processes run bin/cometkeys.js.
export { exportKeyFile } from '../../dist/export/export-keys.js';
export { defaultSettings } from '../../dist/config/types.js';
