/**
 * The docs cannot rot silently: every relative link in README.md, CONTRIBUTING.md, docs/*.md and
 * examples/README.md points at a file that exists, and every `#anchor` at a heading of its target
 * (slugged as GitHub does). Source comments link into docs/ the same way, so renaming a heading
 * without its links fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DOC_FILES = [
  'README.md',
  'CONTRIBUTING.md',
  'examples/README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks, line by line (fences hold examples, not links). */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (open) {
      const mark = open[1] as string;
      if (fence === null) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = null;
      out.push('');
      continue;
    }
    out.push(fence === null ? line : '');
  }
  return out;
}

/** GitHub's heading anchor: inline markup dropped, lower case, punctuation removed, - for space. */
export function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** The anchors a markdown file defines: its headings' slugs, duplicates numbered like GitHub. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slugOf(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline links `[text](target)` outside code; external (scheme:) links are left out. */
export function relativeLinksOf(file: string, text: string): Link[] {
  const links: Link[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, '``');
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ file, line: i + 1, target });
    }
  });
  return links;
}

function read(rel: string): string {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}

/** Why a link does not resolve, or null when it does. */
function brokenReason(link: Link): string | null {
  const [pathPart = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
  const targetRel = pathPart === '' ? link.file : path.join(path.dirname(link.file), pathPart);
  const abs = path.join(ROOT, targetRel);
  if (!existsSync(abs)) return `${targetRel} does not exist`;
  if (anchor === undefined) return null;
  if (statSync(abs).isDirectory() || !abs.endsWith('.md')) {
    return `#${anchor} points into ${targetRel}, which is not a markdown file`;
  }
  const anchors = anchorsOf(read(targetRel));
  return anchors.has(decodeURIComponent(anchor)) ? null : `${targetRel} has no heading #${anchor}`;
}

describe('slugOf (GitHub anchors)', () => {
  it.each([
    ['Bodies are complete records', 'bodies-are-complete-records'],
    ["New keys' secrets", 'new-keys-secrets'],
    ['429 handling', '429-handling'],
    ['A saved plan is input, not authority', 'a-saved-plan-is-input-not-authority'],
    ['Automatic groups (planned)', 'automatic-groups-planned'],
    ['What needs `--force`', 'what-needs---force'],
    ['Identity: `id` and previous_names', 'identity-id-and-previous_names'],
  ])('%s → #%s', (heading, slug) => {
    expect(slugOf(heading)).toBe(slug);
  });

  it('numbers repeated headings like GitHub', () => {
    expect([...anchorsOf('# A\n## Targets\n```\n## Not a heading\n```\n### Targets\n')]).toEqual([
      'a',
      'targets',
      'targets-1',
    ]);
  });
});

describe('documentation links', () => {
  it('finds the documentation files', () => {
    expect(DOC_FILES).toContain('docs/README.md');
    expect(DOC_FILES).toContain('docs/write-protocol.md');
  });

  it.each(DOC_FILES)('every relative link and anchor in %s resolves', (file) => {
    const broken = relativeLinksOf(file, read(file))
      .map((link) => ({ link, why: brokenReason(link) }))
      .filter((b) => b.why !== null)
      .map((b) => `${b.link.file}:${b.link.line}: (${b.link.target}) ${b.why}`);
    expect(broken).toEqual([]);
  });

  it('README.md and CONTRIBUTING.md link the docs index', () => {
    for (const file of ['README.md', 'CONTRIBUTING.md']) {
      const targets = relativeLinksOf(file, read(file)).map((l) => l.target.split('#')[0]);
      expect(targets, file).toContain('docs/README.md');
    }
  });

  it('every page of docs/ is listed in the docs index', () => {
    const listed = new Set(
      relativeLinksOf('docs/README.md', read('docs/README.md')).map((l) => l.target),
    );
    const pages = DOC_FILES.filter((f) => f.startsWith('docs/') && f !== 'docs/README.md');
    expect(pages.filter((p) => !listed.has(path.basename(p)))).toEqual([]);
  });

  it('every docs/ link in a source comment names an existing page and heading', () => {
    const sourceFiles = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? sourceFiles(`${dir}/${e.name}`)
          : e.name.endsWith('.ts')
            ? [`${dir}/${e.name}`]
            : [],
      );
    const broken: string[] = [];
    for (const file of sourceFiles('src')) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          // `docs/page.md#a, #b` (several anchors of one page) or `docs/page.md`.
          for (const m of line.matchAll(/docs\/([\w-]+\.md)((?:#[\w-]+)?(?:, #[\w-]+)*)/g)) {
            const page = `docs/${m[1] as string}`;
            const anchors = (m[2] ?? '').split(', ').filter(Boolean);
            for (const a of anchors.length > 0 ? anchors : ['']) {
              const why = brokenReason({ file: 'README.md', line: i + 1, target: `${page}${a}` });
              if (why) broken.push(`${file}:${i + 1}: ${why}`);
            }
          }
        });
    }
    expect(broken).toEqual([]);
  });

  it('docs/ stands on its own: no citations of the private working contract', () => {
    const cited = DOC_FILES.filter((f) => f.startsWith('docs/')).flatMap((file) =>
      read(file)
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /\bSPEC\b|shared\/|cometapi-api\.md/.test(line))
        .map(({ at }) => at),
    );
    expect(cited).toEqual([]);
  });
});
