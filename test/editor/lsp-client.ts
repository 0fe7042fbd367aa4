/**
 * A minimal Language Server Protocol client over stdio (JSON-RPC with Content-Length framing)
 * for the real `yaml-language-server`: initialize, answer its configuration requests, open
 * documents and wait for their diagnostics. Every wait is bounded (`within`); `close` ends the
 * child, killing it if it does not exit. The child runs offline: the schema store is off in its
 * settings, and a preloaded guard refuses (and reports) every network connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { within } from '../helpers/wait.js';

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  severity?: number;
}

interface Message {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

const SERVER_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('yaml-language-server/package.json')),
  'bin',
  'yaml-language-server',
);
const NO_NETWORK = pathToFileURL(path.join(import.meta.dirname, 'no-network.mjs')).href;

/** The settings the client answers `workspace/configuration` with: validation on, offline. */
const SETTINGS: Record<string, unknown> = {
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
    schemas: {},
  },
  http: { proxy: '', proxyStrictSSL: false },
};

export class YamlLanguageServer {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly published = new Map<string, ((d: LspDiagnostic[]) => void)[]>();
  private stderr = '';
  private configured: Promise<void>;
  private onConfigured: () => void = () => {};

  private constructor(
    private readonly child: ChildProcess,
    private readonly timeoutMs: number,
  ) {
    this.configured = new Promise((resolve) => (this.onConfigured = resolve));
    child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
  }

  /** Starts the server and completes the handshake with `rootDir` as the workspace. */
  static async start(rootDir: string, timeoutMs = 20_000): Promise<YamlLanguageServer> {
    const child = spawn(process.execPath, ['--import', NO_NETWORK, SERVER_BIN, '--stdio'], {
      cwd: rootDir,
      env: { PATH: process.env.PATH ?? '', HOME: rootDir, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const server = new YamlLanguageServer(child, timeoutMs);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`yaml-language-server exited (${code}): ${server.stderr}`)),
      ),
    );
    exited.catch(() => {});
    const rootUri = pathToFileURL(rootDir).href;
    try {
      await Promise.race([
        server.request('initialize', {
          processId: process.pid,
          rootUri,
          workspaceFolders: [{ uri: rootUri, name: 'project' }],
          capabilities: {
            workspace: { configuration: true, workspaceFolders: true },
            textDocument: { publishDiagnostics: {}, synchronization: {} },
          },
        }),
        exited,
      ]);
      server.notify('initialized', {});
      // The server pulls its settings once initialized; documents are opened after that.
      await within(server.configured, timeoutMs, 'the workspace/configuration request');
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return server;
  }

  /** Opens `file` with `text` and resolves with the first diagnostics published for it. */
  async diagnose(file: string, text: string): Promise<LspDiagnostic[]> {
    const uri = pathToFileURL(file).href;
    const got = new Promise<LspDiagnostic[]>((resolve) => {
      const list = this.published.get(uri) ?? [];
      list.push(resolve);
      this.published.set(uri, list);
    });
    this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    return within(got, this.timeoutMs, `diagnostics for ${path.basename(file)}`);
  }

  /** What the server printed on stderr (the network guard reports there). */
  errors(): string {
    return this.stderr;
  }

  /** Shuts the server down; kills it when it does not exit in time. */
  async close(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await within(this.request('shutdown', null), 5_000, 'the shutdown response');
      this.notify('exit', null);
      await within(exited, 5_000, 'the server to exit');
    } catch {
      child.kill('SIGKILL');
      await exited;
    }
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const answered = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, (m) =>
        m.error ? reject(new Error(m.error.message)) : resolve(m.result),
      );
    });
    this.send({ id, method, params });
    return within(answered, this.timeoutMs, `the ${method} response`);
  }

  private notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin?.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin?.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (!Number.isInteger(length)) throw new Error(`bad LSP header: ${header}`);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.handle(JSON.parse(body) as Message);
    }
  }

  private handle(m: Message): void {
    if (m.method === undefined && typeof m.id === 'number') {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
      return;
    }
    if (m.method !== undefined && m.id !== undefined) {
      // A request from the server: settings, or an acknowledgement it does not need.
      let result: unknown = null;
      if (m.method === 'workspace/configuration') {
        const items = (m.params as { items: { section?: string }[] }).items;
        result = items.map((i) => SETTINGS[i.section ?? ''] ?? null);
      }
      this.send({ id: m.id, result });
      if (m.method === 'workspace/configuration') this.onConfigured();
      return;
    }
    if (m.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = m.params as { uri: string; diagnostics: LspDiagnostic[] };
      const waiting = this.published.get(uri)?.shift();
      waiting?.(diagnostics);
    }
  }
}
