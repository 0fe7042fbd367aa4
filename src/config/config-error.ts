import { CometkeysError } from '../errors.js';

/** A configuration problem; the message names the config file (or flag/env) at fault. */
export class ConfigError extends CometkeysError {
  /** Each problem on its own, `file: path: message`. */
  readonly problems: string[];

  constructor(problems: string[] | string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.problems = list;
  }
}
