/**
 * Whom a per-client quota counts against, from the connecting address: an IPv4 address as is
 * (an IPv4-mapped IPv6 address as its IPv4 form), an IPv6 address by its /64 prefix. One host
 * commonly holds a whole /64, so counting single IPv6 addresses would give it 2^64 quotas.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address)) return address;
  const ip = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names no other host
  if (!isIPv6(ip)) return address;
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
