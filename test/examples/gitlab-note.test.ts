/**
 * Runs the merge-request note block of the GitLab example for real (bash + node) against a
 * small GitLab notes API on 127.0.0.1: one note, found again by its marker across pages and
 * updated in place.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBash } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp.js';
import { readGitlabPipeline, resolveGitlabJob } from './workflow-files.js';

interface Note {
  id: number;
  body: string;
}

const PAGE_SIZE = 100;
const API_TOKEN = 'glpat-test-token';

/** The notes endpoints of one merge request, paginated like GitLab (x-next-page). */
function startFakeGitlab(notes: Note[]): Promise<{ server: Server; url: string; log: string[] }> {
  const log: string[] = [];
  let nextId = 1000;
  const readBody = async (req: IncomingMessage): Promise<{ body: string }> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text) as { body: string };
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      log.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.headers['private-token'] !== API_TOKEN) {
        res.writeHead(401).end('{}');
        return;
      }
      const base = '/api/v4/projects/42/merge_requests/3/notes';
      if (req.method === 'GET' && url.pathname === base) {
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = Number(url.searchParams.get('per_page') ?? '20');
        const slice = notes.slice((page - 1) * size, page * size);
        const more = page * size < notes.length;
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-next-page': more ? String(page + 1) : '',
        });
        res.end(JSON.stringify(slice));
      } else if (req.method === 'POST' && url.pathname === base) {
        const note = { id: nextId++, body: (await readBody(req)).body };
        notes.push(note);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(note));
      } else if (req.method === 'PUT' && url.pathname.startsWith(`${base}/`)) {
        const note = notes.find((n) => String(n.id) === url.pathname.slice(base.length + 1));
        if (!note) {
          res.writeHead(404).end('{}');
          return;
        }
        note.body = (await readBody(req)).body;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(note));
      } else {
        res.writeHead(404).end('{}');
      }
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/api/v4`, log });
    });
  });
}

/** The script entry of cometkeys-plan that posts the note. */
function noteBlock(): string {
  const job = resolveGitlabJob(readGitlabPipeline(), 'cometkeys-plan');
  const block = (job.script as string[]).find((s) => s.includes('<!-- cometkeys-plan -->'));
  if (!block) throw new Error('no note block in cometkeys-plan');
  return block;
}

async function runNote(script: string, cwd: string, env: Record<string, string>) {
  const { code, stderr } = await runBash(`set -eo pipefail\n${script}`, { cwd, env });
  return { code, stderr };
}

describe('.gitlab-ci.yml: the merge-request note', () => {
  let dir: string;
  let server: Server | undefined;

  const tempDir = tempDirs('gitlab');
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  const ciEnv = (url: string): Record<string, string> => ({
    CI_API_V4_URL: url,
    CI_PROJECT_ID: '42',
    CI_MERGE_REQUEST_IID: '3',
    CI_COMMIT_SHORT_SHA: 'abc1234',
    CI_PIPELINE_URL: 'https://gitlab.example/p/1',
    COMETKEYS_GITLAB_TOKEN: API_TOKEN,
  });

  it('posts one note, then updates it in place even when it is past the first page', async () => {
    // Someone else's notes fill more than a page before ours arrives.
    const notes: Note[] = Array.from({ length: PAGE_SIZE + 20 }, (_, i) => ({
      id: i + 1,
      body: `comment ${i + 1}`,
    }));
    const fake = await startFakeGitlab(notes);
    server = fake.server;
    await writeFile(path.join(dir, 'plan.md'), '## Plan: 1 to create\n');
    const first = await runNote(noteBlock(), dir, ciEnv(fake.url));
    expect(first).toEqual({ code: 0, stderr: '' });
    expect(notes).toHaveLength(PAGE_SIZE + 21);
    const ours = notes[notes.length - 1];
    expect(ours?.body).toBe(
      '<!-- cometkeys-plan -->\n## Plan: 1 to create\n\n<sub>Planned at abc1234 in https://gitlab.example/p/1</sub>',
    );

    await writeFile(path.join(dir, 'plan.md'), 'No changes.\n');
    fake.log.length = 0;
    const second = await runNote(noteBlock(), dir, ciEnv(fake.url));
    expect(second).toEqual({ code: 0, stderr: '' });
    expect(notes).toHaveLength(PAGE_SIZE + 21);
    expect(ours?.body).toContain('<!-- cometkeys-plan -->\nNo changes.');
    expect(fake.log).toEqual([
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1',
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=2',
      `PUT /api/v4/projects/42/merge_requests/3/notes/${ours?.id}`,
    ]);
  });

  it('fails the job when GitLab refuses the token', async () => {
    const fake = await startFakeGitlab([]);
    server = fake.server;
    await writeFile(path.join(dir, 'plan.md'), 'No changes.\n');
    const result = await runNote(noteBlock(), dir, {
      ...ciEnv(fake.url),
      COMETKEYS_GITLAB_TOKEN: 'wrong',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('listing notes: HTTP 401');
  });

  it('posts nothing without a GitLab token (the plan stays an artifact)', async () => {
    const fake = await startFakeGitlab([]);
    server = fake.server;
    const env: Record<string, string> = ciEnv(fake.url);
    delete env.COMETKEYS_GITLAB_TOKEN;
    const result = await runNote(noteBlock(), dir, env);
    expect(result.code).toBe(0);
    expect(fake.log).toEqual([]);
  });
});
