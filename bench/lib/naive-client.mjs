// The baseline the bench compares against: a client written the obvious way. It lists pages one
// by one and writes one key at a time (read, then a complete PUT), honouring Retry-After on 429
// and sending again after a dropped connection.
import { setTimeout as sleep } from 'node:timers/promises';

const READ_ONLY_FIELDS = [
  'key',
  'user_id',
  'used_quota',
  'created_time',
  'accessed_time',
  'DeletedAt',
];
const PAGE_SIZE = 100;
const DEFAULT_RETRY_AFTER_S = 1;
const NETWORK_ATTEMPTS = 3;

/**
 * @param {{ baseUrl: string, token: string }} opts
 */
export function createNaiveClient({ baseUrl, token }) {
  async function send(method, path, body) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await globalThis.fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            Authorization: token,
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        // A kept-alive connection the server closed while this process was busy planning
        // ("other side closed"): GET and a whole-record PUT are safe to send again.
        if (attempt >= NETWORK_ATTEMPTS) throw err;
      }
    }
  }

  async function request(method, path, body) {
    for (;;) {
      const res = await send(method, path, body);
      if (res.status === 429) {
        await res.arrayBuffer();
        const seconds = Number(res.headers.get('retry-after') ?? DEFAULT_RETRY_AFTER_S);
        await sleep(seconds * 1000);
        continue;
      }
      const json = await res.json();
      if (!json.success) throw new Error(`[${method}] ${path}: ${json.message}`);
      return json.data;
    }
  }

  /** Every key, page after page; secrets dropped. */
  async function listKeys() {
    const all = [];
    for (let page = 1; ; page++) {
      const data = await request('GET', `/api/token/?p=${page}&page_size=${PAGE_SIZE}`);
      for (const item of data.items) {
        const { key: _secret, ...rest } = item;
        all.push(rest);
      }
      if (data.items.length === 0 || all.length >= data.total) return all;
    }
  }

  /** Applies the plan's plain updates one key at a time: GET the key, PUT the whole record. */
  async function applyUpdates(plan) {
    let applied = 0;
    for (const change of plan.changes) {
      if (change.action !== 'update' || change.sequence.join() !== 'update') {
        throw new Error(`the naive client only does plain updates (${change.name})`);
      }
      const record = await request('GET', `/api/token/${change.id}`);
      const body = { ...record };
      for (const f of READ_ONLY_FIELDS) delete body[f];
      const { quota_budget: budget, ...planned } = change.planned;
      Object.assign(body, planned);
      if (budget !== undefined) body.remain_quota = Math.max(0, budget - record.used_quota);
      // The server refuses a negative quota on a limited key (SPEC §7.2).
      if (!body.unlimited_quota && body.remain_quota < 0) body.remain_quota = 0;
      await request('PUT', '/api/token/', body);
      applied += 1;
    }
    return applied;
  }

  return { listKeys, applyUpdates };
}
