import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import type { Plan } from '../../src/plan/model.js';
import { validatePlanObject } from '../../src/plan/plan-file.js';
import { MAX_MARKDOWN_CHARS, renderPlan } from '../../src/render/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const Q = 500_000;

function planOf(
  desired: DesiredKey[],
  server: ServerKey[],
  action: 'ignore' | 'delete' = 'ignore',
): Plan {
  const settings = defaultSettings();
  settings.unmanaged.action = action;
  return createPlan({
    desired,
    server,
    settings,
    now: NOW,
    baseUrl: 'http://127.0.0.1:1',
    userId: 1,
    toolVersion: '1.0.0',
  });
}

function samplePlan(): Plan {
  return planOf(
    [
      aDesiredKey({
        name: 'backend-prod',
        allow_ips: ['198.51.100.10', '203.0.113.0/24'],
        expired_time: Date.UTC(2027, 5, 30) / 1000,
      }),
      aDesiredKey({
        name: 'ci-runner',
        id: 12,
        quota: { kind: 'budget', amount: 6_000_000 },
        expired_time: Date.UTC(2026, 11, 2) / 1000,
      }),
      aDesiredKey({
        name: 'new-key',
        quota: { kind: 'budget', amount: 1_250_000 },
        model_limits_enabled: true,
        model_limits: ['gpt-4o'],
      }),
      aDesiredKey({ name: 'gone', id: 99 }),
      aDesiredKey({ name: 'same' }),
    ],
    [
      aServerKey({
        id: 10,
        name: 'backend-prod',
        allow_ips: '198.51.100.10\n10.0.0.1',
        status: 3,
        expired_time: 1_700_000_000,
      }),
      aServerKey({
        id: 12,
        name: 'ci',
        remain_quota: 1_000_000,
        used_quota: 3_000_000,
        expired_time: Date.UTC(2026, 11, 2) / 1000,
      }),
      aServerKey({ id: 13, name: 'same' }),
      aServerKey({ id: 77, name: 'old-intern' }),
    ],
    'delete',
  );
}

describe('text renderer', () => {
  it('renders a Terraform-like plan', () => {
    expect(renderPlan(samplePlan(), { format: 'text', color: false, quotaPerUsd: Q }))
      .toMatchInlineSnapshot(`
      "cometkeys will make these changes:

        ~ update "backend-prod" (id 10) (matched by name)
            ~ status: expired → enabled
            ~ expired_time: 2023-11-14T22:13:20Z → 2027-06-30
            ~ allow_ips:
            +     203.0.113.0/24
            -     10.0.0.1

        ~ update "ci-runner" (id 12)
            ~ name: "ci" → "ci-runner"
            ~ quota_budget: 1000000+3000000 = 4000000 ($8.00) → 6000000 ($12.00); apply sets remain_quota to 3000000 ($6.00)

        + create "new-key"
            + name: "new-key"
            + status: enabled
            + expired_time: never
            + quota_budget: 1250000 ($2.50)
            + model_limits_enabled: true
            + model_limits:
            +     gpt-4o
            + allow_ips: []
            + group: ""
            + cross_group_retry: false

        - delete "old-intern" (id 77) (unmanaged: delete)

      Missing (pinned ids not on the server; never recreated):
        ! "gone" (id 99): id 99 not found: the key is never recreated (remove \`id\` from keys.yaml:1 to create a new key)

      Unmanaged (1; deleted: unmanaged.action is delete):
        "old-intern" (id 77)

      Warnings:
        ! "ci-runner" (id 12): expires in 6 days (2026-12-02)

      apply would refuse this plan without --force:
        ! disables or deletes 1 of 4 keys (25%) > safety.maxDeletePercent 10 (--force=deletes)

      Plan: 1 to create, 2 to update, 1 to delete; 1 unchanged, 1 unmanaged (deleted: unmanaged.action is delete).
      Quota: 3250000 ($6.50) added, 5000000 ($10.00) removed; 0 new unlimited keys.
      "
    `);
  });

  it('says when nothing changes', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'a' }), aDesiredKey({ name: 'b' })],
      [aServerKey({ name: 'a' }), aServerKey({ name: 'b' })],
    );
    expect(renderPlan(plan, { format: 'text', color: false, quotaPerUsd: Q })).toBe(
      'No changes. 2 keys match the key files.\n' +
        'Quota: 0 ($0.00) added, 0 ($0.00) removed; 0 new unlimited keys.\n',
    );
  });

  it('colours only when asked', () => {
    const plain = renderPlan(samplePlan(), { format: 'text', color: false, quotaPerUsd: Q });
    const coloured = renderPlan(samplePlan(), { format: 'text', color: true, quotaPerUsd: Q });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[32m  + create "new-key"\x1b[0m');
    expect(coloured).toContain('\x1b[31m  - delete "old-intern"');
    expect(coloured).toContain('\x1b[33m  ~ update "backend-prod"');
  });

  it('heads a drift report with the count', () => {
    const text = renderPlan(samplePlan(), {
      format: 'text',
      color: false,
      quotaPerUsd: Q,
      heading: 'drift',
    });
    expect(text.split('\n')[0]).toBe('Drift report: 5 keys drifted');
  });
});

describe('markdown renderer', () => {
  it('puts counts first and one details block per changed key', () => {
    expect(renderPlan(samplePlan(), { format: 'markdown', color: false, quotaPerUsd: Q }))
      .toMatchInlineSnapshot(`
      "### cometkeys plan

      **Plan: 1 to create, 2 to update, 1 to delete; 1 unchanged, 1 unmanaged (deleted: unmanaged.action is delete).** 1 missing.

      Quota: 3250000 (\\$6.50) added, 5000000 (\\$10.00) removed; 0 new unlimited keys.

      > [!CAUTION]
      > \`apply\` would refuse this plan without \`--force\`:
      > - disables or deletes 1 of 4 keys (25%) \\> safety.maxDeletePercent 10 (\`--force=deletes\`)

      <details><summary><code>~</code> update <code>&quot;backend-prod&quot;</code> (id 10) (matched by name)</summary>

      \`\`\`diff
      ! status: expired → enabled
      ! expired_time: 2023-11-14T22:13:20Z → 2027-06-30
      ! allow_ips:
      +     203.0.113.0/24
      -     10.0.0.1
      \`\`\`

      </details>
      <details><summary><code>~</code> update <code>&quot;ci-runner&quot;</code> (id 12)</summary>

      \`\`\`diff
      ! name: "ci" → "ci-runner"
      ! quota_budget: 1000000+3000000 = 4000000 ($8.00) → 6000000 ($12.00); apply sets remain_quota to 3000000 ($6.00)
      \`\`\`

      </details>
      <details><summary><code>+</code> create <code>&quot;new-key&quot;</code></summary>

      \`\`\`diff
      + name: "new-key"
      + status: enabled
      + expired_time: never
      + quota_budget: 1250000 ($2.50)
      + model_limits_enabled: true
      + model_limits:
      +     gpt-4o
      + allow_ips: []
      + group: ""
      + cross_group_retry: false
      \`\`\`

      </details>
      <details><summary><code>-</code> delete <code>&quot;old-intern&quot;</code> (id 77) (unmanaged: delete)</summary>

      </details>

      <details><summary>Missing (1)</summary>

      - \`"gone" (id 99)\`: id 99 not found: the key is never recreated (remove \`id\` from keys.yaml:1 to create a new key)

      </details>

      <details><summary>Unmanaged (1; deleted: unmanaged.action is delete)</summary>

      - \`"old-intern" (id 77)\`

      </details>

      <details><summary>Warnings (1: 1 expiring)</summary>

      - \`"ci-runner" (id 12)\`: expires in 6 days (2026-12-02)

      </details>

      "
    `);
  });

  it('stays under the size cap on a 2,000-key plan, pointing to the JSON plan', () => {
    const desired: DesiredKey[] = [];
    const server: ServerKey[] = [];
    for (let i = 0; i < 2000; i++) {
      const name = `service-${String(i).padStart(4, '0')}-with-a-long-name`;
      desired.push(
        aDesiredKey({
          name,
          allow_ips: ['10.0.0.1', '10.0.0.2', '2001:db8::1'],
          model_limits_enabled: true,
          model_limits: ['gpt-4o', 'claude-sonnet-4-5'],
        }),
      );
      server.push(aServerKey({ id: i + 1, name }));
    }
    const plan = planOf(desired, server);
    expect(plan.changes).toHaveLength(2000);
    const md = renderPlan(plan, { format: 'markdown', color: false, quotaPerUsd: Q });
    expect(md.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS);
    expect(md).toContain('changes not shown');
    expect(md).toContain('--format json');
    expect(md.startsWith('### cometkeys plan\n\n**Plan: 0 to create, 2000 to update')).toBe(true);
    // Every block that was started is closed.
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });

  it('escapes HTML and backticks in names', () => {
    const plan = planOf([aDesiredKey({ name: '<b>```x' })], []);
    const md = renderPlan(plan, { format: 'markdown', color: false, quotaPerUsd: Q });
    expect(md).toContain('&lt;b&gt;');
    expect(md).toContain('````diff');
  });
});

describe('json renderer', () => {
  it('prints the plan valid against schemas/plan.schema.json', () => {
    const json = renderPlan(samplePlan(), { format: 'json', color: false, quotaPerUsd: Q });
    const obj = JSON.parse(json);
    expect(validatePlanObject(obj)).toEqual([]);
    expect(obj).toMatchObject({
      format_version: 1,
      tool_version: '1.0.0',
      created_at: '2026-11-26T12:00:00Z',
      base_url: 'http://127.0.0.1:1',
      account: { user_id: 1 },
    });
    expect(Object.keys(obj)).toEqual([
      'format_version',
      'tool_version',
      'created_at',
      'base_url',
      'account',
      'summary',
      'changes',
      'unmanaged',
      'missing',
      'warnings',
      'safety',
      'highest_id',
      'account_keys',
    ]);
  });
});

describe('secrets', () => {
  it('no output contains a key secret planted in the listing', () => {
    const SECRET = 'sk-PLANTED-SECRET-0123456789';
    const server = [
      aServerKey({ id: 1, name: 'a', key: SECRET }),
      aServerKey({ id: 2, name: 'stray', key: SECRET }),
      aServerKey({ id: 3, name: 'b', key: SECRET, status: 4 }),
    ];
    const plan = planOf(
      [aDesiredKey({ name: 'a', group: 'g' }), aDesiredKey({ name: 'b' })],
      server,
      'delete',
    );
    for (const format of ['text', 'json', 'markdown'] as const) {
      expect(renderPlan(plan, { format, color: false, quotaPerUsd: Q })).not.toContain(SECRET);
    }
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });
});

describe('a remain_quota lowered to the server maximum', () => {
  const plan = () =>
    planOf(
      [aDesiredKey({ name: 'big', quota: null, ignore_changes: ['remain_quota'], status: 2 })],
      [aServerKey({ id: 3, name: 'big', remain_quota: 5_000_000_000 })],
    );
  const line = 'remain_quota: 5000000000 ($10000.00) → 2147483647 ($4294.967294) (server maximum)';

  it('says so in text and markdown', () => {
    expect(renderPlan(plan(), { format: 'text', color: false, quotaPerUsd: Q })).toContain(
      `~ ${line}\n`,
    );
    expect(renderPlan(plan(), { format: 'markdown', color: false, quotaPerUsd: Q })).toContain(
      `! ${line}\n`,
    );
  });

  it('carries the reason in JSON, valid against the schema', () => {
    const obj = JSON.parse(renderPlan(plan(), { format: 'json', color: false, quotaPerUsd: Q }));
    expect(validatePlanObject(obj)).toEqual([]);
    expect(obj.changes[0].fields).toContainEqual({
      field: 'remain_quota',
      before: 5_000_000_000,
      after: 2_147_483_647,
      reason: 'server_maximum',
    });
  });
});
