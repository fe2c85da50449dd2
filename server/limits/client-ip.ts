/**
 * Which client a request comes from, for rate limits: the TCP peer, or behind `TRUST_PROXY`
 * reverse proxies the address the outermost trusted proxy saw (the same answer as Express's
 * `req.ip` with `trust proxy` set to that hop count). IPv6 clients are counted by their /64,
 * the block one subscriber usually holds, so that one host cannot walk its own addresses.
 * @module
 */
import { isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The request header the server writes its client key into (see clientKey), for the code that
 * runs after the rate limits and sees only the headers (the rooms' onAuth, counting room
 * creations per IP). The server always overwrites it: a client cannot choose its value.
 */
export const CLIENT_KEY_HEADER = 'x-fairplay-client-key';

/** The client's address as `req.ip` would give it with `trust proxy` = `trustedHops`. */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const peer = normalize(req.socket.remoteAddress ?? 'unknown');
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  // Nearest first: the peer, then what each proxy appended, right to left. Each trusted hop
  // vouches for the address one step further out; the header's remaining entries, written
  // by the client itself, are never believed.
  const chain = [peer, ...forwarded.reverse().map(normalize)];
  return chain[Math.min(trustedHops, chain.length - 1)]!;
}

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** `::ffff:1.2.3.4` (an IPv4 client of a dual-stack socket) is 1.2.3.4. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** The eight groups of an IPv6 address, `::` expanded (an embedded IPv4 tail counts as two). */
function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const fill = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
