/**
 * Hints for the usage mistakes commander cannot explain: a long option typed with one dash
 * (`plan -out plan.json`, Terraform's spelling) is refused with the option it meant, before
 * commander reads `-file` as `-f ile` (docs/commands.md#usage-mistakes).
 */
import type { Command, Option } from 'commander';

function longName(option: Option): string | undefined {
  return option.long?.replace(/^--/, '');
}

/** The options that apply to `command`: its own and the program's. */
function optionsOf(program: Command, command: Command | undefined): readonly Option[] {
  return [...program.options, ...(command?.options ?? [])];
}

/**
 * The message for the first argument that is a long option written with a single dash, or
 * undefined. Arguments after `--` and the values of options are left alone.
 */
export function singleDashHint(program: Command, argv: readonly string[]): string | undefined {
  let command: Command | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (command === undefined && !arg.startsWith('-')) {
      command = program.commands.find((c) => c.name() === arg);
      continue;
    }
    const options = optionsOf(program, command);
    const flag = arg.split('=', 1)[0]!;
    const known = options.find((o) => o.long === flag || o.short === flag);
    if (known) {
      if (known.required && !arg.includes('=') && flag === known.long) i++;
      else if (known.required && flag === known.short && arg === flag) i++;
      continue;
    }
    const single = /^-([a-z][a-z-]+)$/.exec(flag);
    if (!single) continue;
    const meant = options.find((o) => longName(o) === single[1]);
    if (meant) {
      const rest = arg.slice(flag.length);
      return `unknown option '${arg}': long options take two dashes (did you mean --${single[1]}${rest}?)`;
    }
  }
  return undefined;
}
