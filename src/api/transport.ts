/**
 * What the request layer (./http.ts) needs from HTTP: send one request, then read or drop its
 * answer. The default is node:http/node:https with keep-alive and gzip (./node-transport.ts); an
 * injected `fetch` is wrapped by ./fetch-transport.ts. A transport never follows a redirect and
 * never retries: ./http.ts decides both.
 */

/** One request; `url` is the whole URL (origin, path and query). */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The JSON text of the body, or undefined for none. */
  body: string | undefined;
  /** Aborting it (the per-attempt timeout) ends the request, answer included. */
  signal: AbortSignal;
}

/** An answer whose headers have arrived; its body has not been read yet. */
export interface TransportResponse {
  status: number;
  /** A response header by its lower-case name, or undefined. */
  header(name: string): string | undefined;
  /**
   * The body, decompressed, as UTF-8 text. Rejects with `BODY_TOO_LARGE` as soon as more than
   * `limitBytes` have been decoded (an endless body or a gzip bomb is never read whole), and
   * with the transport's own error when the answer is cut short.
   */
  text(limitBytes: number): Promise<string>;
  /** Drops the body (a 429's, a redirect's); never rejects. */
  discard(): Promise<void>;
}

export interface Transport {
  /** Resolves once the status and headers arrived; rejects when no answer came. */
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Closes idle connections so nothing holds the process; requests may still follow. */
  close(): void;
}

/** The rejection of `TransportResponse.text` for a body over its limit. */
export const BODY_TOO_LARGE = Symbol('body too large');
