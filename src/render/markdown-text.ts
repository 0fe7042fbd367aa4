/**
 * Strings from the server or a file inside GitHub-flavoured markdown
 * (docs/commands.md#hostile-text): in code (a code span, or `<code>` in an HTML block), or as inert
 * text that cannot open a link, inject HTML, start emphasis, mention a user or team, or link an
 * issue.
 */
import { escapeText } from '../values/index.js';

/** HTML's special characters as entities (for text inside an HTML block). */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The longest run of backticks in `s`. */
export function longestBacktickRun(s: string): number {
  let longest = 0;
  for (const run of s.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * A markdown code span holding `s` literally: the fence is one backtick longer than any run
 * inside, and a space pads each side when `s` starts or ends with a backtick or a space
 * (CommonMark strips exactly one from each side when both are there).
 */
export function codeSpan(s: string): string {
  const text = escapeText(s);
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** `s` as `<code>` for an HTML block (`<summary>`), where markdown is not parsed. */
export function htmlCode(s: string): string {
  return `<code>${escapeHtml(escapeText(s))}</code>`;
}

/** A zero-width space as an entity: breaks a mention or autolink without changing what shows. */
const ZWSP = '&#8203;';

/**
 * Text outside code, inert: ASCII punctuation that markdown or HTML acts on is backslash-escaped
 * (`<`, `>`, `&`, `|`, `*`, `_`, `[`, `]`, backticks, `~`, `!`, `\`), and a zero-width space
 * follows every `@` and `#` and breaks `://` and `www.`. A backslash escape does not stop
 * GitHub's mentions (they are found in the rendered text), and neither does `&#64;` (the entity
 * is decoded first); the zero-width space does, as Renovate's PR bodies show.
 */
function inertText(s: string): string {
  return escapeText(s)
    .replace(/[\\`*_[\]<>|~!&]/g, '\\$&')
    .replace(/[@#]/g, `$&${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

/**
 * A message as markdown: its `` `code` `` parts (cometkeys' own messages mark code so) become
 * code spans, the rest inert text. Every span is re-fenced here, so a backtick in a quoted name
 * can only move a part between code and inert text, both safe.
 */
export function markdownText(s: string): string {
  return s
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? codeSpan(part) : inertText(part)))
    .join('');
}
