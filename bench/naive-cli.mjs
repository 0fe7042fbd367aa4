// The naive client as a whole process, measured like `cometkeys`: `node bench/naive-cli.mjs
// plan|apply KEY_FILE` with COMETAPI_BASE_URL and COMETAPI_ACCESS_TOKEN set. It loads and plans
// with cometkeys' own loader and planner, but lists pages one by one and (apply) writes one key
// at a time (bench/lib/naive-client.mjs). Prints one line: `changes N` or `applied N`.
import { readFileSync } from 'node:fs';
import { createNaiveClient } from './lib/naive-client.mjs';
import { loadKeyFileText } from '../dist/desired/index.js';
import { createPlan } from '../dist/plan/create-plan.js';
import { defaultSettings } from '../dist/config/types.js';

const [mode, file] = process.argv.slice(2);
if ((mode !== 'plan' && mode !== 'apply') || !file) {
  process.stderr.write('usage: node bench/naive-cli.mjs plan|apply KEY_FILE\n');
  process.exit(2);
}
const baseUrl = process.env.COMETAPI_BASE_URL;
const token = process.env.COMETAPI_ACCESS_TOKEN;
const settings = defaultSettings();
const now = new Date();
const client = createNaiveClient({ baseUrl, token });

const server = await client.listKeys();
const loaded = loadKeyFileText(readFileSync(file, 'utf8'), file, {
  quotaPerUsd: settings.quotaPerUsd,
  now,
});
const error = loaded.diagnostics.find((d) => d.severity === 'error');
if (error) throw new Error(`the key file is invalid: ${error.message}`);
const plan = createPlan({
  desired: loaded.keys,
  server,
  settings,
  now,
  baseUrl,
  userId: null,
  toolVersion: 'naive',
});
if (mode === 'plan') process.stdout.write(`changes ${plan.changes.length}\n`);
else process.stdout.write(`applied ${await client.applyUpdates(plan)}\n`);
