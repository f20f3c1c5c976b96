// SSRF guard for callback URLs: a tenant must not make Fanout POST into our own network
// (metadata services, Redis, admin ports). Checked twice: at submit when the host is a
// literal IP (cheap, no DNS), and at delivery on the address actually connected to, via
// the socket's `lookup` hook, so a DNS answer that changes between check and connect
// (rebinding) is caught too. Tenants an admin allowed (allowPrivateCallbacks) skip it.
import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { FanoutError } from "@fanout/validators";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved + broadcast
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["64:ff9b::", 96], // NAT64 can reach any IPv4, private ones included
] as const) blocked.addSubnet(net, prefix, "ipv6");

/** Private, loopback, link-local, unique-local and other non-public addresses (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** Submit-time check: refuses a callbackUrl whose host is a literal private IP (or localhost). */
export function assertCallbackUrlAllowed(raw: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const url = new URL(raw);
  const host = hostOf(url);
  if (isPrivateAddress(host) || host === "localhost" || host.endsWith(".localhost")) {
    throw new FanoutError(
      422,
      "callback_url_forbidden",
      `callbackUrl points at a private, loopback or link-local address (${host}); use a public host, or ask an admin to allow private callbacks for this tenant.`,
      "callbackUrl",
    );
  }
}

export class BlockedAddressError extends Error {
  constructor(readonly address: string) {
    super(`refused to connect to non-public address ${address}`);
    this.name = "BlockedAddressError";
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that fails the connection when any resolved address is
 * private. Refusing when *any* is private (not just the first) stops a host that resolves
 * to one public and one private address from winning on a retry.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new BlockedAddressError(bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Literal-IP hosts never reach `lookup`: check them directly before connecting. */
export function assertLiteralHostAllowed(url: URL, allowPrivate: boolean): void {
  const host = hostOf(url);
  if (!allowPrivate && isPrivateAddress(host)) throw new BlockedAddressError(host);
}
