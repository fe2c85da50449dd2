/**
 * The rate limits' parts in-process: which client a request counts against (the peer, or behind
 * TRUST_PROXY hops the address a trusted proxy saw, IPv6 by its /64), which buckets a request
 * takes from, and a bucket's refusals (which limit, Retry-After) and its off switch. Which
 * buckets a request takes from is checked against the routers themselves: for raw request
 * targets an attacker can write (absolute-form, a `#…` fragment, case, slashes, `%xx`, dot
 * segments), a real Express app with the costly routes' patterns serves a target exactly when
 * bucketsFor puts it in `expensive`; matchmaking targets are counted as Colyseus routes them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(clientKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff::1%eth0')).toBe('2001:db8:1:2::/64'); // leading zeros, a zone index
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
    expect(bucketsFor('GET', '/anchors/12')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/anchors?from=0&limit=1440')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/auth/nonce')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/economy')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/economy?x=1')).toEqual(['http', 'expensive']);
    expect(bucketsFor('POST', '/chain')).toEqual(['http', 'expensive']);
    expect(bucketsFor('POST', '/chain/fund')).toEqual(['http', 'expensive']);
    expect(bucketsFor('POST', '/Chain/Fund/')).toEqual(['http', 'expensive']);
    // As loosely as Express matches them.
    expect(bucketsFor('GET', '/Rooms/abc/TRANSCRIPT/')).toEqual(['http', 'expensive']);
    expect(bucketsFor('HEAD', '/auth/nonce')).toEqual(['http', 'expensive']);
    expect(bucketsFor('GET', '/')).toEqual(['http']);
  });
});

describe('RateLimits (memory)', () => {
  const config = { windowSeconds: 30, http: 3, expensive: 0, joins: 1, roomCreates: 1, roomCreatesPerIp: 1 };

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

let server: Server;
let port: number;
beforeAll(async () => {
  const app = express();
  // The costly routes' patterns, as server/http-routes.ts declares them.
  for (const route of ['/auth/nonce', '/rooms/:roomId/transcript', '/players/:address/awards']) app.get(route, (_req, res) => void res.send('routed'));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `GET <target> HTTP/1.1` as written, on a socket of its own; the status line's code. */
function rawGet(target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
    let head = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (head += chunk));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('bucketsFor reads a path as the router that serves it', () => {
  it('counts in `expensive` exactly the targets Express routes to a costly handler', { timeout: 30_000 }, async () => {
    const targets = [
      '/auth/nonce',
      `http://127.0.0.1:${port}/auth/nonce`,
      'http://elsewhere.example/auth/nonce?x=1',
      '/auth/nonce#x',
      '/auth/nonce?a=1#x',
      '/AUTH/Nonce/',
      '/auth/%6eonce',
      '//auth/nonce',
      '/auth//nonce',
      '/auth/./nonce',
      '/x/../auth/nonce',
      '/auth/nonce;x',
      '/rooms/abc/transcript#frag',
      'HTTP://h/rooms/abc/transcript?from=0',
      '/rooms/a%2Fb/transcript',
      '/rooms/abc/transcript/',
      `http://127.0.0.1:${port}/players/0xabc/awards#x`,
      '/players/0xabc/awards#',
      '/fairness',
      'http://h/fairness#x',
    ];
    const rows = await Promise.all(targets.map(async (target) => ({ target, status: await rawGet(target), buckets: bucketsFor('GET', target) })));
    for (const { target, status, buckets } of rows) {
      expect([200, 404], target).toContain(status);
      expect(buckets.includes('expensive'), `${target}: Express answered ${status}, buckets ${buckets.join('+')}`).toBe(status === 200);
    }
  });

  it('counts in `joins` the matchmaking targets Colyseus routes, however written', () => {
    for (const target of ['/matchmake/create/dice', 'http://h/matchmake/create/dice', '/matchmake/create/dice#x', '/x/../matchmake/create/dice', '/%2e%2e/matchmake/joinOrCreate/dice'])
      expect(bucketsFor('POST', target), target).toEqual(['http', 'joins']);
    expect(bucketsFor('POST', '/rooms/x')).toEqual(['http']);
  });
});
