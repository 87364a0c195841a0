import "server-only";
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { lookup as lookupAll } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhook-types";

/**
 * Where deliveries may go (CONTRACT §8, SSRF). Unless private targets are allowed
 * (WEBHOOK_ALLOW_PRIVATE_TARGETS, on outside production), only https to public addresses:
 * checked when an endpoint is registered and again at every connection, by a DNS lookup that
 * refuses a private answer, so a name that later resolves to 127.0.0.1 (DNS rebinding) gets
 * no request. "Public" is ipaddr.js's `unicast` range — every special-purpose block (private,
 * loopback, link-local, carrier-grade NAT, unique-local, multicast, reserved, …) is a range of
 * its own there — after IPv4-mapped IPv6 is unwrapped (ipaddr.process), so ::ffff:10.0.0.1 is
 * private too.
 */

export type TargetPolicy = { allowPrivate: boolean };

/** A refused target; the message says why, for the client's 400 or the attempt's error. */
export class TargetRefused extends Error {
  readonly code = "WEBHOOK_TARGET_REFUSED";
}

export function isTargetRefused(err: unknown): err is TargetRefused {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "WEBHOOK_TARGET_REFUSED";
}

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/** The URL's host as a bare name or address ("[::1]" → "::1"). */
function hostOf(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** The parts of a target that need no DNS: scheme, credentials, length; an address literal's range. */
export function checkTargetUrl(text: string, policy: TargetPolicy): URL {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw new TargetRefused(`The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefused("The URL is not a valid absolute URL.");
  }
  const schemes = policy.allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) throw new TargetRefused(policy.allowPrivate ? "The URL must be http or https." : "The URL must be https.");
  if (url.username || url.password) throw new TargetRefused("The URL must not carry credentials.");
  if (url.hash) throw new TargetRefused("The URL must not have a fragment.");
  const host = hostOf(url);
  if (!policy.allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) throw refusedAddress(host);
  return url;
}

function refusedAddress(address: string): TargetRefused {
  return new TargetRefused(`The URL's host resolves to ${address}, which is not a public address.`);
}

/** Registration: the URL's checks, then every address its host resolves to must be public. */
export async function assertTargetAllowed(text: string, policy: TargetPolicy): Promise<URL> {
  const url = checkTargetUrl(text, policy);
  if (policy.allowPrivate) return url;
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host, { all: true, verbatim: true });
  } catch {
    throw new TargetRefused(`The URL's host ${host} does not resolve.`);
  }
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused) throw refusedAddress(refused.address);
  return url;
}

/**
 * The `lookup` of every delivery's connection: the system resolver's answer, refused whole
 * when any address in it is not public (so the connection never starts), unless private
 * targets are allowed.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const all = (options as LookupOptions).all === true;
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as LookupAddress[];
      const refused = policy.allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(refusedAddress(refused.address) as NodeJS.ErrnoException, "", 0);
      if (all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
