/**
 * A transport over an injected `fetch` (CometClientOptions.fetch: a test's fake, or a library
 * user's own fetch). The default transport is ./node-transport.ts.
 */
import { BODY_TOO_LARGE, type Transport, type TransportResponse } from './transport.js';

/** Wraps `fetchFn`: redirects are not followed, bodies are read within their limit. */
export function createFetchTransport(fetchFn: typeof globalThis.fetch): Transport {
  return {
    async request(req): Promise<TransportResponse> {
      const res = await fetchFn(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        redirect: 'manual',
        signal: req.signal,
      });
      return {
        status: res.status,
        header: (name) => res.headers.get(name) ?? undefined,
        text: (limitBytes) => readBodyText(res, limitBytes),
        discard: () => discard(res),
      };
    },
    close() {
      // The fetch owns its connections.
    },
  };
}

/** Reads the body as UTF-8 text, giving up past `limit` bytes (an endless or gzip-bomb body). */
async function readBodyText(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw BODY_TOO_LARGE;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // Nothing to do: the body is not needed.
  }
}
