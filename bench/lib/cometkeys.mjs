// The pieces of cometkeys the bench drives, from the build output (`npm run build` runs first).
export { createCometClient } from '../../dist/api/client.js';
export { loadKeyFileText } from '../../dist/desired/index.js';
export { createPlan } from '../../dist/plan/create-plan.js';
export { exportKeyFile } from '../../dist/export/export-keys.js';
export { applyPlan } from '../../dist/apply/apply-plan.js';
export { defaultSettings } from '../../dist/config/types.js';
