/**
 * A stand-in for the GitHub REST API on 127.0.0.1: the issue-comment endpoints the action's
 * plan comment uses (list with per_page/page, create, update), recording every request.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { type: 'Bot' | 'User' };
}

export interface FakeGithubApi {
  url: string;
  comments: FakeComment[];
  /** `METHOD /path?query` of every request, in order. */
  log: string[];
  /** The text of every request body. */
  bodies: string[];
  close(): Promise<void>;
}

export const GITHUB_TEST_TOKEN = 'ghs-test-token';

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Serves repository `repo`; comments made through it are a bot's (the token's user). */
export function startFakeGithubApi(
  repo: string,
  comments: FakeComment[] = [],
): Promise<FakeGithubApi> {
  const log: string[] = [];
  const bodies: string[] = [];
  let nextId = 5000;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      log.push(`${req.method} ${url.pathname}${url.search}`);
      const text = await readBody(req);
      if (text) bodies.push(text);
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.headers.authorization !== `Bearer ${GITHUB_TEST_TOKEN}`) {
        send(401, { message: 'Bad credentials' });
        return;
      }
      const list = url.pathname.match(new RegExp(`^/repos/${repo}/issues/(\\d+)/comments$`));
      const one = url.pathname.match(new RegExp(`^/repos/${repo}/issues/comments/(\\d+)$`));
      if (list && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = Number(url.searchParams.get('per_page') ?? '30');
        send(200, comments.slice((page - 1) * size, page * size));
      } else if (list && req.method === 'POST') {
        const comment: FakeComment = {
          id: nextId++,
          body: (JSON.parse(text) as { body: string }).body,
          user: { type: 'Bot' },
        };
        comments.push(comment);
        send(201, comment);
      } else if (one && req.method === 'PATCH') {
        const comment = comments.find((c) => String(c.id) === one[1]);
        if (!comment) {
          send(404, { message: 'Not Found' });
          return;
        }
        comment.body = (JSON.parse(text) as { body: string }).body;
        send(200, comment);
      } else {
        send(404, { message: 'Not Found' });
      }
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        comments,
        log,
        bodies,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
