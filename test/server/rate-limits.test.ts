/**
 * The rate limits' parts in-process: which client a request counts against (the peer, or behind
 * TRUST_PROXY hops the address a trusted proxy saw, IPv6 by its /64), which buckets a request
 * takes from, and a bucket's refusals (which limit, Retry-After) and its off switch.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp, clientKey } from '../../server/limits/client-ip.ts';
import { bucketsFor } from '../../server/limits/rate-limited-server.ts';
import { RateLimits, type LimitName } from '../../server/limits/rate-limits.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('is the TCP peer unless proxies are trusted: a client-written X-Forwarded-For is ignored', () => {
    expect(clientIp(request('203.0.113.9', '1.2.3.4'), 0)).toBe('203.0.113.9');
    expect(clientIp(request('::ffff:203.0.113.9'), 0)).toBe('203.0.113.9');
  });

  it('behind n trusted proxies takes the address the outermost one saw, never the client-written entries before it', () => {
    // client wrote "6.6.6.6", the proxy appended the real peer 198.51.100.7 and connected from 10.0.0.2
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 198.51.100.7'), 1)).toBe('198.51.100.7');
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1'), 2)).toBe('198.51.100.7');
    // Fewer entries than trusted hops: the furthest there is.
    expect(clientIp(request('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('counts IPv6 clients by their /64 and IPv4 clients by their address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('bucketsFor', () => {
  it('puts every request in the general bucket, matchmaking in joins and the costly reads in expensive', () => {
    expect(bucketsFor('GET', '/fairness')).toEqual(['http']);
    expect(bucketsFor('GET', '/index.html')).toEqual(['http']);
    expect(bucketsFor('POST', '/matchmake/joinOrCreate/dice')).toEqual(['http', 'joins']);
    expect(bucketsFor('OPTIONS', '/matchmake/create/dice')).toEqual(['http']);
    expect(bucketsFor('GET', '/rooms/abc/transcript?from=0&limit=10')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/players/0xabc/awards')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/auth/nonce')).toEqual(['http', 'expensive']);
    expect(bucketsFor('POST', '/chain')).toEqual(['http', 'expensive']);
    // As loosely as Express matches them.
    expect(bucketsFor('GET', '/Rooms/abc/TRANSCRIPT/')).toEqual(['http', 'expensive']);
    expect(bucketsFor('HEAD', '/auth/nonce')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/')).toEqual(['http']);
  });
});

describe('RateLimits (memory)', () => {
  const config = { windowSeconds: 30, http: 3, expensive: 0, joins: 1, roomCreates: 1 };

  it('refuses past the size with the limit and the seconds to wait, per key, and counts each refusal', async () => {
    const refused: LimitName[] = [];
    const limits = RateLimits.create(config, { refused: (l) => refused.push(l) });
    for (let i = 0; i < 3; i++) expect(await limits.consume('http', 'a')).toBeUndefined();
    const refusal = await limits.consume('http', 'a');
    expect(refusal).toMatchObject({ limit: 'http' });
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refusal!.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(refusal!.message).toMatch(/^rate limited \(http\): more than 3 in 30 s; retry in \d+ s$/);
    expect(await limits.consume('http', 'b')).toBeUndefined();
    expect(await limits.consume('joins', 'a')).toBeUndefined();
    expect(refused).toEqual(['http']);
    await limits.close();
  });

  it('never refuses from a bucket of size 0', async () => {
    const limits = RateLimits.create(config);
    expect(limits.enabled('expensive')).toBe(false);
    for (let i = 0; i < 100; i++) expect(await limits.consume('expensive', 'a')).toBeUndefined();
    await limits.close();
  });
});
