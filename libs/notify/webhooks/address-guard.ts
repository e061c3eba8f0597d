import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import { messageOf } from '../../errors/index.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. A provider of its own so that a test can make a
 * public-looking name resolve to a private address (as DNS rebinding would).
 */
@Injectable()
export class HostResolver {
  async resolve(host: string): Promise<ResolvedAddress[]> {
    const answers = await lookup(host, { all: true, verbatim: true });
    return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}

/**
 * An IPv6 address with its dotted IPv4 tail written in hex (`::8.8.8.8` → `::808:808`), by the
 * URL parser's canonical form. ipaddr.js reads any `::a.b.c.d` as the mapped `::ffff:a.b.c.d`, so
 * the IPv4-compatible form (which DNS answers and Node write dotted) would be judged by its IPv4
 * part instead of being refused.
 */
function ipv6WithoutDottedTail(address: string): string {
  if (!address.includes(':') || !address.includes('.')) {
    return address;
  }
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * Why an address may not be called, or undefined when it is public unicast. Anything ipaddr.js
 * does not classify as plain `unicast` is refused: private, loopback, link-local (the cloud
 * metadata address 169.254.169.254 among them), unique-local, carrier-grade NAT, unspecified,
 * multicast, reserved and the IPv6 ranges that embed an IPv4 address. An IPv4-mapped address
 * (`::ffff:a.b.c.d`) is judged by its IPv4 part; NAT64, 6to4 and Teredo addresses are refused
 * whatever they embed, and so are the deprecated IPv4-compatible ones (`::a.b.c.d`, RFC 4291
 * §2.5.5.1), which ipaddr.js would call unicast.
 */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) {
    return `${address} is not an IP address`;
  }
  let parsed = ipaddr.parse(ipv6WithoutDottedTail(address));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range !== 'unicast') {
    return `${address} is on a ${range} network`;
  }
  if (
    parsed.kind() === 'ipv6' &&
    parsed
      .toByteArray()
      .slice(0, 12)
      .every((byte) => byte === 0)
  ) {
    return `${address} is on an ipv4Compatible network`;
  }
  return undefined;
}

/** A webhook target that passed the check: the URL and the address to connect to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

const MAX_URL_CHARS = 2048;

/** Parses a webhook URL: http or https, no credentials, a host; the message names the field. */
export function parseWebhookUrl(text: string): URL {
  if (text.length > MAX_URL_CHARS) {
    throw new NotifyException(
      NotifyErrorCode.InvalidRequest,
      `url: at most ${MAX_URL_CHARS} characters`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NotifyException(NotifyErrorCode.InvalidRequest, `url: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NotifyException(NotifyErrorCode.InvalidRequest, 'url: must be http or https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new NotifyException(NotifyErrorCode.InvalidRequest, 'url: must not carry credentials');
  }
  return url;
}

/**
 * Resolves the URL's host and checks EVERY address it resolves to (one private answer among
 * public ones is enough to refuse: the connection could pick it). Returns the first address, which
 * the caller must connect to, so a second resolution cannot swap in another (DNS rebinding).
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE=true) lifts the check, for receivers on a private network.
 */
export async function checkTarget(
  url: URL,
  resolver: HostResolver,
  allowPrivate: boolean,
): Promise<CheckedTarget> {
  // URL keeps IPv6 literals in brackets
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver.resolve(host);
    } catch (error) {
      throw new NotifyException(
        NotifyErrorCode.ForbiddenTarget,
        `url: the host ${host} does not resolve (${messageOf(error)})`,
      );
    }
  }
  const first = addresses[0];
  if (first === undefined) {
    throw new NotifyException(NotifyErrorCode.ForbiddenTarget, `url: ${host} has no address`);
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason !== undefined) {
        throw new NotifyException(
          NotifyErrorCode.ForbiddenTarget,
          `url: ${host} resolves to ${reason}; private, loopback and link-local targets are refused (WEBHOOK_ALLOW_PRIVATE=true allows them)`,
        );
      }
    }
  }
  return { url, address: first.address, family: first.family };
}
