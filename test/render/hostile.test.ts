/**
 * Hostile text in the plan renderers (SPEC §13): names, groups, model ids and messages from the
 * server reach the terminal and the PR comment without a raw control or bidi character, and in
 * markdown cannot mention, link or inject HTML.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/model.js';
import { renderPlan } from '../../src/render/index.js';
import { codeSpan, markdownText } from '../../src/render/markdown-text.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { ANSI_COLOUR, RAW_UNSAFE } from '../helpers/hostile.js';
import { planOf } from '../plan/helpers.js';

const Q = 500_000;

function hostilePlan(): Plan {
  const plan = planOf(
    [
      aDesiredKey({
        name: 'backend',
        group: 'default',
        model_limits_enabled: true,
        model_limits: ['a'],
      }),
      aDesiredKey({ name: 'tick`name' }),
    ],
    [
      aServerKey({
        id: 1,
        name: 'backend',
        group: 'vip\u001b[2J',
        model_limits_enabled: true,
        model_limits: 'a,\u009b2Jx',
      }),
      aServerKey({ id: 2, name: 'evil\u001b[31m' }),
      aServerKey({ id: 3, name: '\u009b31m' }),
      aServerKey({ id: 4, name: 'abc\u202egnp.exe' }),
      aServerKey({ id: 5, name: '@acme/security-team' }),
      aServerKey({ id: 6, name: 'x``y`' }),
    ],
    { action: 'disable' },
  );
  plan.warnings.push({
    name: 'n',
    message: 'see @acme/security-team #12 <img src=x> [x](http://evil.example) *b* `code` a|b',
  });
  return plan;
}

/** The markdown with code and heading marks removed: fences, `<code>`, code spans. */
function outsideCode(md: string): string {
  return md
    .replace(/^#+ /gm, '')
    .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '')
    .replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, '');
}

describe('text plan', () => {
  it('escapes names, groups and model ids from the server', () => {
    const text = renderPlan(hostilePlan(), { format: 'text', color: true, quotaPerUsd: Q });
    // The renderer's own colours are the only escapes: strip them, then nothing raw is left.
    const plain = text.replace(ANSI_COLOUR, '');
    expect(plain).not.toMatch(RAW_UNSAFE);
    expect(plain).toContain('update "evil\\u{1b}[31m" (id 2) (unmanaged: disable)');
    expect(plain).toContain('update "\\u{9b}31m" (id 3) (unmanaged: disable)');
    expect(plain).toContain('"abc\\u{202e}gnp.exe"');
    expect(plain).toContain('group: "vip\\u{1b}[2J" → "default"');
    expect(plain).toContain('"\\u{9b}2Jx"');
  });
});

describe('json plan', () => {
  it('escapes C1 and bidi too (valid JSON, the same values)', () => {
    const plan = hostilePlan();
    const json = renderPlan(plan, { format: 'json', color: false, quotaPerUsd: Q });
    expect(json).not.toMatch(RAW_UNSAFE);
    expect(json).toContain('\\u009b31m');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(plan)));
  });
});

describe('markdown plan', () => {
  const md = renderPlan(hostilePlan(), { format: 'markdown', color: false, quotaPerUsd: Q });

  it('has no raw control or bidi character', () => {
    expect(md).not.toMatch(RAW_UNSAFE);
  });

  it('puts names in code, so an unmanaged @team is no mention', () => {
    expect(md).toContain('<code>&quot;@acme/security-team&quot;</code>');
    expect(md).toContain('`"@acme/security-team" (id 5)`');
    // Outside code every @ and # (but an entity's) is followed by a zero-width space.
    expect(outsideCode(md).match(/.{0,20}(@|(?<!&)#)(?!&#8203;).{0,20}/g)).toBeNull();
  });

  it('fences names with backticks longer than their runs', () => {
    expect(md).toContain('```"x``y`" (id 6)```');
    expect(md).toContain('<code>&quot;tick`name&quot;</code>');
  });

  it('makes messages inert: no HTML, link, emphasis or mention outside code', () => {
    const rest = outsideCode(md);
    expect(rest).not.toMatch(/(?<!\\)<img/);
    expect(rest).not.toMatch(/(?<!\\)\[x\]/);
    expect(rest).not.toMatch(/(?<!\\)\*b/);
    expect(rest).not.toContain('http://');
    expect(md).toContain('\\<img src=x\\>');
    expect(md).toContain('a\\|b');
    // cometkeys' own `code` in a message stays code.
    expect(md).toContain(' `code` ');
  });
});

describe('markdown helpers', () => {
  it('codeSpan pads a name that starts or ends with a backtick or space', () => {
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('`a')).toBe('`` `a ``');
    expect(codeSpan(' a ')).toBe('`  a  `');
    expect(codeSpan('a\u001bb')).toBe('`a\\u{1b}b`');
  });

  it('markdownText breaks mentions, issue links and autolinks', () => {
    expect(markdownText('@acme/security-team')).toBe('@&#8203;acme/security-team');
    expect(markdownText('#12')).toBe('#&#8203;12');
    expect(markdownText('www.evil.example')).toBe('www&#8203;.evil.example');
    expect(markdownText('a & b')).toBe('a \\& b');
  });
});
