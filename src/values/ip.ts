/**
 * `allow_ips` entries: IPv4/IPv6 addresses or CIDR ranges in canonical form
 * (docs/key-file.md#allowed-ips), so that `2001:DB8::1` and `2001:db8::1` compare equal. The
 * planner uses the same canonical form for the server's stored list.
 */
import { createRequire } from 'node:module';
import type ipaddr from 'ipaddr.js';
import type { Parsed } from './parsed.js';

// ipaddr.js is loaded on first use, not at start-up: only an entry that passes the patterns below
// (or an http:// base URL) needs it. The call names the package literally, so that the bundled CLI
// carries it (esbuild bundles `require(...)`, scripts/bundle-cli.mjs); the tsc output, an ES
// module, has no `require` and uses createRequire (docs/performance.md#start-up).
const requireCjs = createRequire(import.meta.url);
let ipaddrLibLoaded: typeof ipaddr | undefined;
function ipaddrLib(): typeof ipaddr {
  ipaddrLibLoaded ??=
    typeof require === 'function' ? require('ipaddr.js') : requireCjs('ipaddr.js');
  return ipaddrLibLoaded as typeof ipaddr;
}

/** A canonical entry and, when host bits are set, the network it names. */
export interface CanonicalIp {
  canonical: string;
  /** Set when a CIDR range has host bits set: the range's network form. */
  network?: string;
}

function formatAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (addr.kind() === 'ipv4') return addr.toString();
  const v6 = addr as ipaddr.IPv6;
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad, which people recognise.
  if (v6.isIPv4MappedAddress()) return `::ffff:${v6.toIPv4Address().toString()}`;
  return v6.toRFC5952String();
}

// Only the four-part decimal IPv4 form: ipaddr.js also takes "10", "0x0a.1" and octal, which
// the server's Go parser does not. The patterns also keep ipaddr.js off its slow paths (it
// throws and catches internally for every form it tries).
const IPV4_DECIMAL = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (IPV4_DECIMAL.test(s)) {
    return s.split('.').every((o) => Number(o) <= 255) ? ipaddrLib().IPv4.parse(s) : undefined;
  }
  if (IPV6_CHARS.test(s) && ipaddrLib().IPv6.isValid(s)) {
    const v6 = ipaddrLib().IPv6.parse(s);
    return v6.zoneId ? undefined : v6;
  }
  return undefined;
}

const PARSED_CACHE_MAX_ENTRIES = 10_000;
const parsedCache = new Map<string, Parsed<CanonicalIp>>();

/**
 * Parses one `allow_ips` entry into its canonical form. Memoised (bounded; the results are
 * frozen): a 10,000-key file repeats the same few addresses, and each parse costs ~20 µs.
 */
export function parseIpEntry(value: string): Parsed<CanonicalIp> {
  let parsed = parsedCache.get(value);
  if (parsed === undefined) {
    parsed = deepFreeze(parseIpEntryUncached(value));
    if (parsedCache.size >= PARSED_CACHE_MAX_ENTRIES) parsedCache.clear();
    parsedCache.set(value, parsed);
  }
  return parsed;
}

function deepFreeze(p: Parsed<CanonicalIp>): Parsed<CanonicalIp> {
  if (p.ok) Object.freeze(p.value);
  return Object.freeze(p);
}

function parseIpEntryUncached(value: string): Parsed<CanonicalIp> {
  const bad = (why = ''): Parsed<CanonicalIp> => ({
    ok: false,
    message: `${JSON.stringify(value)} is not an IPv4/IPv6 address or CIDR range${why}`,
  });
  if (value.includes(',')) return bad(' (write one address or range per list item)');
  if (value !== value.trim()) return bad(' (it has leading or trailing white space)');
  const slash = value.lastIndexOf('/');
  if (slash === -1) {
    const addr = parseAddress(value);
    return addr ? { ok: true, value: { canonical: formatAddress(addr) } } : bad();
  }
  const addr = parseAddress(value.slice(0, slash));
  const prefixText = value.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(prefixText)) return bad();
  const prefix = Number(prefixText);
  if (prefix > (addr.kind() === 'ipv4' ? 32 : 128)) return bad(' (the prefix length is too long)');
  const canonical = `${formatAddress(addr)}/${prefix}`;
  const networkAddr =
    addr.kind() === 'ipv4'
      ? ipaddrLib().IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
      : ipaddrLib().IPv6.networkAddressFromCIDR(
          `${(addr as ipaddr.IPv6).toNormalizedString()}/${prefix}`,
        );
  const network = `${formatAddress(networkAddr)}/${prefix}`;
  return { ok: true, value: network === canonical ? { canonical } : { canonical, network } };
}

/** The canonical form of an entry, or the entry unchanged when it does not parse. */
export function canonicalizeIp(value: string): string {
  const parsed = parseIpEntry(value);
  return parsed.ok ? parsed.value.canonical : value;
}

/** True when `host` is an IPv4 or IPv6 address in a loopback range (127.0.0.0/8, ::1). */
export function isLoopbackIp(host: string): boolean {
  return ipaddrLib().isValid(host) && ipaddrLib().parse(host).range() === 'loopback';
}
