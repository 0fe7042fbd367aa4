/**
 * `cometkeys deliver NAME... [--sink S]...` (docs/write-protocol.md#new-keys-secrets): reveals the
 * named current keys and reruns their sinks — to finish a failed handoff, or to put existing keys
 * into a new store. Exit 0 when every secret reached every sink, 3 when one did not (the keys are
 * unchanged).
 */
import { quoteText } from '../../values/index.js';
import { CliError, type CommandContext } from '../context.js';
import {
  auditLogPath,
  listAccount,
  loadDesired,
  openClient,
  resolveSettings,
} from '../pipeline.js';

/** Runs `deliver`. */
export async function runDeliver(
  opts: Record<string, unknown>,
  args: string[],
  ctx: CommandContext,
): Promise<number> {
  if (args.length === 0) throw new CliError('deliver needs key names: cometkeys deliver NAME...');
  const settings = await resolveSettings(ctx);
  const onlySinks = (opts.sink as string[] | undefined) ?? [];
  for (const s of onlySinks) {
    if (!Object.hasOwn(settings.sinks, s)) {
      const defined = Object.keys(settings.sinks).join(', ') || 'none';
      throw new CliError(`unknown sink ${JSON.stringify(s)} (defined: ${defined})`);
    }
  }
  const now = ctx.io.now?.() ?? new Date();
  const files = opts.file as string[] | undefined;
  const desired = await loadDesired(ctx, settings, files ? { files } : {}, now);
  const client = await openClient(ctx, settings);
  const listing = await listAccount(ctx, client);
  const targets = [...new Set(args)].map((name) => {
    const key = desired.find((k) => k.name === name);
    const sinks = onlySinks.length > 0 ? onlySinks : (key?.deliver ?? []);
    if (sinks.length === 0) {
      throw new CliError(
        `${JSON.stringify(name)} declares no deliver in the key files; name sinks with --sink`,
      );
    }
    const live = listing.filter((k) => (key?.id !== undefined ? k.id === key.id : k.name === name));
    if (live.length === 0) {
      throw new CliError(
        key?.id !== undefined
          ? `no key with id ${key.id} (${quoteText(name)}) on the server`
          : `no key named ${quoteText(name)} on the server`,
      );
    }
    if (live.length > 1) {
      // Never a silent pick: the wrong consumer would get another key's secret.
      const ids = live.map((k) => k.id).sort((a, b) => a - b);
      throw new CliError(
        `${live.length} keys are named ${quoteText(name)} on the server (ids ${ids.join(', ')}); ` +
          'pin the one to deliver with id in the key file; nothing was revealed',
      );
    }
    return { id: (live[0] as { id: number }).id, name, secret: null, deliver: sinks };
  });

  const [{ deliverSecrets }, { openAuditLog }] = await Promise.all([
    import('../../apply/deliver-secrets.js'),
    import('../../apply/audit-log.js'),
  ]);
  const auditFile = auditLogPath(ctx, settings, opts.auditLog as string | undefined);
  const audit = auditFile ? await openAuditLog(auditFile) : undefined;
  const failures = await deliverSecrets({
    client,
    sinks: settings.sinks,
    sinkOptions: { env: ctx.io.env },
    targets,
    onSinkOutput: (key, sink, output) =>
      ctx.io.stderr.write(`${key.name} → ${sink}: ${output.trimEnd().replace(/\n/g, '\n  ')}\n`),
    async audit(record) {
      await audit?.writeDelivery({
        time: (ctx.io.now?.() ?? new Date()).toISOString(),
        ...record,
        action: 'deliver',
        git_commit: null,
      });
    },
  });
  await audit?.close();
  for (const t of targets) {
    const why = failures.get(t.id);
    // The detail says "created as id N" for apply; here the key already existed.
    const shown = why?.detail.replace(/^created as id \d+, /, '');
    ctx.io.stdout.write(
      `${t.name} (id ${t.id}) deliver: ${shown ? `failed: ${shown}` : `delivered to ${t.deliver.join(', ')}`}\n`,
    );
  }
  return failures.size > 0 ? 3 : 0;
}
