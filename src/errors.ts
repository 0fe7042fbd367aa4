/**
 * The one error family. Every error cometkeys throws on purpose extends `CometkeysError`: it
 * carries the exit code the CLI returns and a message that is safe to print — no access token,
 * no key secret (the thrower leaves them out), and control characters from server or file text
 * escaped (docs/commands.md#hostile-text). The CLI decides by `instanceof CometkeysError`; anything
 * else that reaches it is a bug and is reported as one.
 */
import { escapeText } from './values/index.js';

/**
 * Escapes what a terminal would interpret (control and bidirectional characters) as `\u{…}`;
 * newlines stay, as the layout of multi-line messages uses them.
 */
export function escapeControlCharacters(text: string): string {
  return text.split('\n').map(escapeText).join('\n');
}

/** What a `CometkeysError` is made with besides its message. */
export interface CometkeysErrorOptions {
  /** The CLI's exit code for this error (docs/exit-codes.md#the-codes); 1 unless said otherwise. */
  exitCode?: number;
  cause?: unknown;
}

/** The base of every error cometkeys throws on purpose; `name` is the subclass's name. */
export class CometkeysError extends Error {
  /** The exit code the CLI returns when this error ends a command. */
  readonly exitCode: number;

  constructor(message: string, options: CometkeysErrorOptions = {}) {
    super(
      escapeControlCharacters(message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A broken invariant: never the user's fault. The one way cometkeys reports its own bug. */
export class InternalError extends CometkeysError {
  constructor(message: string) {
    super(`internal error (this is a bug): ${message}`);
  }
}
