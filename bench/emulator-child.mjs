// The emulator for the bench, in its own process: the measured client must not share an event
// loop with a server that is busy serialising thousands of records. Options arrive as JSON in
// argv[2]; the parent talks to it over IPC (fork) with { id, cmd } messages.
import { startEmulator } from '../dist/emulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator(options);

/** Counts of the logged requests since the last `stats`, by kind; bodies are not shipped. */
function summariseRequests() {
  const log = emulator.requests();
  emulator.clearRequests();
  const stats = { total: log.length, rateLimited: 0, accepted: 0, failedWrites: 0, byMethod: {} };
  for (const r of log) {
    stats.byMethod[r.method] = (stats.byMethod[r.method] ?? 0) + 1;
    if (r.status === 429) stats.rateLimited += 1;
    else stats.accepted += 1;
    if (r.method !== 'GET' && r.status !== 429 && (r.fault || r.success === false)) {
      stats.failedWrites += 1;
    }
  }
  return stats;
}

const handlers = {
  stats: () => summariseRequests(),
  set: (opts) => emulator.set(opts),
  // CPU time the emulator process has used (ms): the server's share of a measured run.
  cpu: () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  },
  // The account without secrets: the bench builds its key files from it without using HTTP.
  records: () => emulator.records().map(({ key: _secret, ...rest }) => rest),
  close: async () => {
    await emulator.close();
    setTimeout(() => process.exit(0), 10);
  },
};

process.on('message', async (msg) => {
  try {
    const value = await handlers[msg.cmd](msg.arg);
    process.send({ id: msg.id, ok: true, value });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.message ?? err) });
  }
});
process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
process.send({ ready: true, url: emulator.url, token: emulator.token });
