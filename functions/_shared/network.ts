/**
 * Which hosts a webhook may reach (contract v2 "Notifications and webhooks": `https` to a public address;
 * loopback `http` locally). Addresses are classified by ipaddr.js, not by patterns: `[::ffff:7f00:1]` (what
 * the URL parser makes of `[::ffff:127.0.0.1]`) once passed a dotted-form pattern. The sender checks every
 * address a name resolves to at connect time (`guardedLookup`), so the address checked is the one connected to.
 */
import { type LookupAddress, lookup as dnsLookup, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const bare = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, '');

/** An IPv4 address, or the IPv4 address an IPv6 one embeds as IPv4-mapped (any notation). */
const parse = (host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined => {
  if (!ipaddr.isValid(host) || isIP(host) === 0) return undefined;
  const address = ipaddr.parse(host);
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
};

/** Loopback: 127.0.0.0/8, ::1 (and ::ffff:127.x), `localhost` and `*.localhost`. */
export function isLoopback(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return parse(h)?.range() === 'loopback';
}

/**
 * A host that is not a public unicast address — private (RFC 1918, fc00::/7), shared (RFC 6598), loopback,
 * link-local, unspecified, multicast, reserved or documentation ranges, and IPv6 forms that embed an IPv4
 * address (mapped, IPv4-compatible `::a.b.c.d`, NAT64 64:ff9b::/96, 6to4, Teredo) — or a name that only
 * resolves inside a network (`localhost`, `*.internal`, `*.local`, a single label). Other names are public
 * here; their addresses are checked when the sender connects.
 */
export function isPrivateAddress(host: string): boolean {
  const h = bare(host);
  if (isLoopback(h) || h.endsWith('.internal') || h.endsWith('.local') || (!h.includes('.') && !h.includes(':'))) return true;
  const address = parse(h);
  if (!address) return false;
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return true; // IPv4-compatible
  return address.range() !== 'unicast';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) requests: resolves the name, and fails the connection (code
 * `PRIVATE_ADDRESS`) when any address is not public (loopback allowed when `allowLoopback`, locally).
 */
export function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((a) => isPrivateAddress(a.address) && !(allowLoopback && isLoopback(a.address)));
      if (refused) return callback(Object.assign(new Error('the receiver resolves to a private address'), { code: 'PRIVATE_ADDRESS' }), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
