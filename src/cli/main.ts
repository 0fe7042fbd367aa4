/**
 * The process owner: parses argv with commander, dispatches to one command module, prints errors
 * and returns the exit code (docs/exit-codes.md#the-codes). Only src/cli/ reads argv, prints and
 * sets the exit code.
 *
 * Start-up (docs/performance.md#start-up): this module loads only commander and the help text.
 * A command's module, the command context and the error reporter (which bring the value rules,
 * YAML, ajv, the API client...) are imported when a command runs or an error is reported, so
 * `--help` and usage errors pay for none of them.
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CliIo, CommandContext } from './context.js';
import { HELP_EXAMPLES } from './help.js';
import { singleDashHint } from './usage-hints.js';
import { escapeText } from '../values/escape.js';

/** package.json: two levels above src/cli/, dist/cli/ and the bundle's dist/cli-bundle/. */
function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A bad flag value found while parsing; reported as the CliError it stands for. */
class FlagValueProblem extends Error {}

function parsePositiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new FlagValueProblem(`${name} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}

/** Reports an error that ended the run, loading the reporter (and CliError) only now. */
async function reportFailure(err: unknown, io: CliIo, argv: string[]): Promise<number> {
  const [{ reportError }, { CliError }] = await Promise.all([
    import('./report-error.js'),
    import('./context.js'),
  ]);
  const reported = err instanceof FlagValueProblem ? new CliError(err.message) : err;
  return reportError(reported, io, argv.includes('--verbose'));
}

const FORMAT_CHOICES = ['text', 'json', 'markdown'];

type Runner = (
  opts: Record<string, unknown>,
  args: string[],
  ctx: CommandContext,
) => Promise<number>;

/** How runCli may be told to differ from a user's run (the build's pre-rendered help). */
export interface RunOptions {
  /** The width commander wraps help to, instead of the terminal's (80 when not a terminal). */
  helpWidth?: number;
}

/** Builds the commander program; each action stores the runner to call and its inputs. */
function buildProgram(
  io: CliIo,
  version: string,
  onAction: (run: () => Promise<number>) => void,
  { helpWidth }: RunOptions = {},
) {
  const program = new Command('cometkeys');
  const fixedWidth =
    helpWidth === undefined
      ? {}
      : { getOutHelpWidth: () => helpWidth, getErrHelpWidth: () => helpWidth };
  program
    .description('GitOps for CometAPI API keys: declare keys in YAML, plan, apply, detect drift.')
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option(
      '--config <file>',
      'config file (default: discovered cometkeys.config.* / .cometkeysrc*)',
    )
    .option('--base-url <url>', 'API origin (env COMETAPI_BASE_URL)')
    .option('--parallelism <n>', 'requests in flight at once', parsePositiveInt('--parallelism'))
    .option('--no-color', 'never colour output')
    .option('--quiet', 'only errors and the result: no progress, no warnings')
    .option('--verbose', 'more detail on stderr')
    .option('--all-warnings', 'show every warning, not the first 3 of each kind')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      ...fixedWidth,
    })
    .addHelpText('after', HELP_EXAMPLES.main);

  const ctxOf = async (cmd: Command): Promise<CommandContext> => {
    const { resolveColor } = await import('./context.js');
    const g = cmd.optsWithGlobals<Record<string, unknown>>();
    return {
      io,
      version,
      global: {
        config: g.config as string | undefined,
        baseUrl: g.baseUrl as string | undefined,
        parallelism: g.parallelism as number | undefined,
        color: resolveColor(io.env, io.stdout.isTTY, g.color === false),
        quiet: g.quiet === true,
        verbose: g.verbose === true,
        allWarnings: g.allWarnings === true,
      },
    };
  };

  const define = (
    name: string,
    describe: (cmd: Command) => Command,
    load: () => Promise<Runner>,
  ): void => {
    const cmd = program.command(name);
    describe(cmd)
      .showSuggestionAfterError(true)
      .addHelpText('after', HELP_EXAMPLES[name.split(' ')[0] as keyof typeof HELP_EXAMPLES] ?? '')
      .action((...actionArgs: unknown[]) => {
        const self = actionArgs[actionArgs.length - 1] as Command;
        const opts = self.opts<Record<string, unknown>>();
        const positional = self.args;
        onAction(async () => {
          const [run, ctx] = await Promise.all([load(), ctxOf(self)]);
          return run(opts, positional, ctx);
        });
      });
  };

  const fileOpt = () =>
    new Option(
      '-f, --file <file>',
      'key file or glob (repeatable; default: config files or keys.yaml)',
    ).argParser(collect);
  const targetOpt = () =>
    new Option('--target <name>', 'only keys with this exact name or glob (repeatable)').argParser(
      collect,
    );
  const rotateOpt = () =>
    new Option(
      '--rotate <name>',
      'rotate this key now, whatever its age (it must declare rotate; repeatable)',
    ).argParser(collect);
  const formatOpt = () =>
    new Option('--format <format>', 'output format').choices(FORMAT_CHOICES).default('text');
  const allowEmptyOpt = () =>
    new Option('--allow-empty', 'allow key files that match nothing or declare no keys');

  define(
    'validate',
    (c) =>
      c
        .description('parse, schema-check and semantically check the key files (offline)')
        .addOption(fileOpt())
        .addOption(
          new Option('--format <format>', 'output format')
            .choices(['text', 'json'])
            .default('text'),
        )
        .addOption(allowEmptyOpt()),
    async () => (await import('./commands/validate.js')).runValidate,
  );
  define(
    'plan',
    (c) =>
      c
        .description('list the account, diff against the key files and print the plan')
        .addOption(fileOpt())
        .option('--out <plan>', 'save the plan (JSON) for a later apply')
        .addOption(formatOpt())
        .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when in sync')
        .addOption(targetOpt())
        .addOption(rotateOpt())
        .addOption(allowEmptyOpt()),
    async () => (await import('./commands/plan.js')).runPlan,
  );
  define(
    'apply',
    (c) =>
      c
        .description('apply a saved plan, or plan afresh, confirm and apply')
        .argument('[plan]', 'a plan saved with plan --out')
        .addOption(fileOpt())
        .option('--auto-approve', 'do not ask for confirmation (required without a TTY)')
        .addOption(targetOpt())
        .addOption(rotateOpt())
        .option(
          '--force [limits]',
          'override safety limits: all, or a comma list of updates,quota,unlimited,deletes',
        )
        .option('--allow-delete', 'allow deleting keys')
        .option('--audit-log <file>', 'append one JSON line per write attempt')
        .option('--new-keys-out <file>', "write created keys' ids, names and secrets (mode 0600)")
        .addOption(
          new Option('--format <format>', 'result format')
            .choices(['text', 'json'])
            .default('text'),
        )
        .addOption(allowEmptyOpt()),
    async () => (await import('./commands/apply.js')).runApply,
  );
  define(
    'deliver',
    (c) =>
      c
        .description('reveal current keys and hand their secrets to their sinks again')
        .argument('<names...>', 'key names, as the key files declare them')
        .addOption(fileOpt())
        .addOption(
          new Option(
            '--sink <sink>',
            "only this sink (repeatable; default: the key's deliver)",
          ).argParser(collect),
        )
        .option('--audit-log <file>', 'append one JSON line per delivery'),
    async () => (await import('./commands/deliver.js')).runDeliver,
  );
  define(
    'show',
    (c) =>
      c
        .description('render a saved plan (warns when it is more than 24 h old)')
        .argument('<plan>', 'a plan saved with plan --out')
        .addOption(formatOpt()),
    async () => (await import('./commands/show.js')).runShow,
  );
  define(
    'drift',
    (c) =>
      c
        .description('plan for schedules: exit 2 on any drift, 0 when in sync')
        .addOption(fileOpt())
        .addOption(formatOpt())
        .addOption(allowEmptyOpt()),
    async () => (await import('./commands/drift.js')).runDrift,
  );
  define(
    'report',
    (c) =>
      c
        .description('spend, budget use, expiry and last use per key, sorted by spend')
        .option('-f, --file <file>', 'key files that mark keys managed (repeatable)', collect)
        .addOption(
          new Option('--format <format>', 'output format')
            .choices(['text', 'markdown', 'json', 'csv'])
            .default('text'),
        )
        .addOption(allowEmptyOpt()),
    async () => (await import('./commands/report.js')).runReport,
  );
  define(
    'export',
    (c) =>
      c
        .description("write the account's keys as a key file that plans with zero changes")
        .option('--out <file>', 'write to this file instead of stdout')
        .addOption(targetOpt()),
    async () => (await import('./commands/export.js')).runExport,
  );
  define(
    'schema',
    (c) =>
      c
        .description('print the key-file JSON Schema (for editors), or write it with --out')
        .option('--out <file>', 'write to this file instead of stdout'),
    async () => (await import('./commands/schema.js')).runSchema,
  );
  define(
    'emulator',
    (c) =>
      c
        .description('run a local CometAPI-compatible server on 127.0.0.1')
        .option('--port <n>', 'port (0 = any free port)', '0')
        .option('--seed <fileOrCount>', 'seed records from a JSON/YAML file, or N generated keys')
        .option('--latency <ms>', 'added latency per request', '0')
        .option('--gzip', 'gzip answers of 1 KB or more to clients that accept gzip')
        .option('--fail-rate <r>', 'fraction of requests that fail (5xx, resets, hangs, HTML)', '0')
        .option('--rate-limit <n/seconds>', 'sliding-window limit, e.g. 20/1')
        .addOption(
          new Option(
            '--status-mode <mode>',
            'status behaviour of updates (default: upstream)',
          ).choices(['upstream', 'docs']),
        )
        .addOption(
          new Option(
            '--generation <name>',
            'server generation: sets --status-mode, --quota-max, --auto-groups, --auth-style, reveal routes',
          ).choices(['docs', 'upstream-2025', 'upstream-2026-08']),
        )
        .option(
          '--quota-max <n>',
          'largest remain_quota a limited key may be written (default 500000000000000)',
        )
        .option('--auto-groups', 'records carry auto_groups (new-api since 2026-08-01)')
        .option('--no-auto-groups', 'records do not carry auto_groups (the default)')
        .addOption(
          new Option('--auth-style <style>', 'token check: session (default) or pat').choices([
            'session',
            'pat',
          ]),
        )
        .option('--state <file>', 'persist state in this file across restarts')
        .option('--token <token>', 'access token to accept (default: generated)')
        .option('--user-id <n>', 'the account owner id records carry (default 1)')
        .option('--require-user-id', 'answer 401 unless New-Api-User carries the user id')
        .option('--max-keys <n>', 'the account key cap (default 1000)')
        .option('--no-mask', 'return whole secrets, like older servers')
        .option(
          '--reveal-rate-limit <n/seconds>',
          "the reveal routes' own limit (default 20/1200, like new-api)",
        )
        .option('--no-reveal', 'no reveal routes (servers before 2026-03-08)')
        .option('--no-batch-reveal', 'no POST /api/token/batch/keys (servers before 2026-04-06)'),
    async () => (await import('./commands/emulator.js')).runEmulator,
  );
  define(
    'completion',
    (c) =>
      c
        .description('print a shell completion script (bash, zsh or fish)')
        .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish'])),
    async () => {
      const { completionScript } = await import('./completion.js');
      return async (_opts, args, ctx) => {
        ctx.io.stdout.write(completionScript(program, args[0] as 'bash' | 'zsh' | 'fish'));
        return 0;
      };
    },
  );
  return program;
}

/** The names of the CLI's commands, in the order help lists them. */
export function commandNames(): string[] {
  const quiet = { write: () => true };
  const io: CliIo = { stdout: quiet, stderr: quiet, env: {}, cwd: '.' };
  return buildProgram(io, '', () => undefined).commands.map((c) => c.name());
}

/** Runs the CLI with the given argv (without node and script) and io; returns the exit code. */
export async function runCli(argv: string[], io: CliIo, options?: RunOptions): Promise<number> {
  const version = readVersion();
  let pending: (() => Promise<number>) | undefined;
  const program = buildProgram(
    io,
    version,
    (run) => {
      pending = run;
    },
    options,
  );
  const hint = singleDashHint(program, argv);
  if (hint !== undefined) {
    io.stderr.write(`error: ${escapeText(hint)}\n(run with --help for usage)\n`);
    return 1;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 1;
    }
    return reportFailure(err, io, argv);
  }
  if (!pending) return 0;
  try {
    return await pending();
  } catch (err) {
    return reportFailure(err, io, argv);
  }
}

/** Entry point for bin/cometkeys.js: owns the process. */
export function runMain(): void {
  // A reader that stops early (`cometkeys plan | head`) closes the pipe: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    async (err: unknown) => {
      process.exitCode = 1;
      const { asInternalError } = await import('./report-error.js');
      process.stderr.write(`error: ${asInternalError(err, process.env).message}\n`);
    },
  );
}
