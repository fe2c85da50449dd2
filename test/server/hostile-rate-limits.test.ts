/**
 * Rate limits against floods, on a real server with small limits and a short window: an HTTP
 * flood (WebSocket upgrades from its IP included), a flood of upgrades alone, a flood of matchmaking joins, the costliest reads, and
 * one signed-in address creating rooms past its limit. Each is refused with 429, Retry-After and
 * the limit's name, counted in /metrics, and let through again once its window ends.
 *
 * Limits are per client IP. Every attacker here sends from an address of its own on the loopback
 * network (127.0.0.2 and up: Linux routes all of 127/8 to lo, so a socket may bind any of them),
 * while the honest bettor plays from 127.0.0.1 throughout: a flood spends its own bucket and never
 * the honest player's, which is what per-IP limits promise.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { signInToken } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * Long enough that a flood usually fits in one window on a busy machine, short enough to wait
 * out. The assertions never rely on that: they allow for every window a flood's measured time
 * could have spanned (windowsSpanned).
 */
const WINDOW_SECONDS = 30;
// expensive: room for the sign-ins (nonces) the tests make from 127.0.0.1 besides the honest bettor.
const LIMITS = { http: 200, expensive: 60, joins: 20, roomCreates: 3, roomCreatesPerIp: 5 };

let server: ServerProcess;
let bettor: HonestBettor;
beforeAll(async () => {
  server = await startServerProcess({
    env: {
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_HTTP: String(LIMITS.http),
      RATE_LIMIT_EXPENSIVE: String(LIMITS.expensive),
      RATE_LIMIT_JOINS: String(LIMITS.joins),
      RATE_LIMIT_ROOM_CREATES: String(LIMITS.roomCreates),
      RATE_LIMIT_ROOM_CREATES_PER_IP: String(LIMITS.roomCreatesPerIp),
    },
  });
  bettor = await HonestBettor.start(server.url);
}, timeoutWithStarts(1, 30_000));
afterAll(async () => {
  await server?.stop();
});

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/** One HTTP request from the loopback address `from`, on a connection of its own. */
function send(from: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, localAddress: from, agent: false, headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * `GET <target> HTTP/1.1` sent as written from `from`, on a socket of its own: request targets
 * Node's client would not send (absolute-form, a `#…` fragment).
 */
function sendRaw(from: string, target: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: from }, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), retryAfter: /^retry-after: *(\d+)/im.exec(head)?.[1], body });
    });
    socket.on('error', reject);
  });
}

/** `count` requests, `concurrency` at a time. */
async function flood<T = Answer>(count: number, concurrency: number, one: () => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (let sent = 0; sent < count; sent += concurrency) answers.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, count - sent) }, one))));
  return answers;
}

/**
 * How many windows of a key requests sent from `startMs` until `endMs` (both measured by the
 * client, around the requests) may have been counted in. A key's window starts at its first
 * request, at or after `startMs`, and the next at its first request after that window ends:
 * the k-th starts at least (k-1) windows after `startMs`. Each window lets the limit through,
 * so bounds on a flood's answers are in multiples of this (1 when the flood fit in one window).
 */
function windowsSpanned(startMs: number, endMs: number): number {
  return Math.floor((endMs - startMs) / (WINDOW_SECONDS * 1000)) + 1;
}

/** Whether everything sent since `startMs` (a key's first request) was counted in the key's first window. */
function stillInFirstWindow(startMs: number): boolean {
  return Date.now() - startMs < WINDOW_SECONDS * 1000;
}

/** `count` requests, `concurrency` at a time, with the windows they may have been counted in. */
async function timedFlood<T = Answer>(count: number, concurrency: number, one: () => Promise<T>): Promise<{ answers: T[]; windows: number; startMs: number }> {
  const startMs = Date.now();
  const answers = await flood(count, concurrency, one);
  return { answers, windows: windowsSpanned(startMs, Date.now()), startMs };
}

/** The refusals counted in /metrics so far, by limit (read from an address no test floods). */
async function refusalsInMetrics(): Promise<Record<string, number>> {
  const metrics = (await send('127.0.0.9', 'GET', '/metrics')).body;
  return Object.fromEntries([...metrics.matchAll(/^fairplay_rate_limited_total\{limit="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/** How many more refusals of `limit` /metrics counts now than in `before`. */
async function refusalsSince(before: Record<string, number>, limit: string): Promise<number> {
  return ((await refusalsInMetrics())[limit] ?? 0) - (before[limit] ?? 0);
}

/** Checks a refusal: 429, Retry-After within the window, and a JSON body naming the limit. */
function expectRefused(answer: Answer, limit: string): void {
  expect(answer.status).toBe(429);
  const seconds = Number(answer.retryAfter);
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= WINDOW_SECONDS).toBe(true);
  const body = JSON.parse(answer.body) as { error: string; limit: string; retryAfterSeconds: number };
  expect(body.limit).toBe(limit);
  expect(body.retryAfterSeconds).toBe(seconds);
  expect(body.error).toContain(`rate limited (${limit})`);
}

/** "200: 200, 429: 400": how many answers had each status. */
function tally(answers: readonly Answer[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status}: ${n}`).join(', ');
}

/** A WebSocket upgrade from `from`: the HTTP status that refused it, or 101 when it was accepted. */
function upgrade(from: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, { localAddress: from });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve({ status: 101, retryAfter: undefined });
      ws.close();
    });
    ws.on('error', (e) => reject(e));
  });
}

describe('rate limits per client IP and per address', () => {
  it('an HTTP flood is answered 429 with Retry-After, WebSocket upgrades from its IP too, and it passes again after the window', { timeout: 120_000 }, async () => {
    const attacker = '127.0.0.2';
    const { answers, windows, startMs } = await timedFlood(3 * LIMITS.http, 50, () => send(attacker, 'GET', '/fairness'));
    console.log(`HTTP flood of ${answers.length} from ${attacker} (limit ${LIMITS.http} per ${WINDOW_SECONDS} s, ${windows} window(s)): ${tally(answers)}`);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(windows * LIMITS.http);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - windows * LIMITS.http);
    for (const a of refused) expectRefused(a, 'http');
    // Within the flood's first window (the IP is refused there: 600 > 200), an upgrade is refused
    // before the handshake, with the same answer, and a static file is behind the same limit.
    const ws = await upgrade(attacker);
    const page = await send(attacker, 'GET', '/');
    if (stillInFirstWindow(startMs)) {
      expect(ws.status).toBe(429);
      expect(Number(ws.retryAfter)).toBeGreaterThanOrEqual(1);
      expectRefused(page, 'http');
    } else console.log('the first window ended before the upgrade and the static file were answered: their refusal is not checked this run');
    // The window ends: the attacker's requests pass again, and its upgrades are accepted.
    await waitFor(async () => (await send(attacker, 'GET', '/fairness')).status === 200, { what: 'the flooding IP to be served again after its window', timeout: (WINDOW_SECONDS + 30) * 1000, interval: 1000 });
    expect((await upgrade(attacker)).status).toBe(101);
  });

  it('a join flood is refused with 429 naming the joins limit, as the SDK reports it (MatchMakeError code 429)', { timeout: 60_000 }, async () => {
    const attacker = '127.0.0.3';
    // What the SDK's joinOrCreate sends; no token, so the joins that get through are refused by sign-in (401).
    const before = await refusalsInMetrics();
    const { answers, windows } = await timedFlood(3 * LIMITS.joins, 20, () =>
      send(attacker, 'POST', '/matchmake/joinOrCreate/dice', { headers: { 'content-type': 'application/json' }, body: '{}' }),
    );
    console.log(`join flood of ${answers.length} from ${attacker} (limit ${LIMITS.joins} per ${WINDOW_SECONDS} s, ${windows} window(s)): ${tally(answers)}`);
    expect(answers.filter((a) => a.status !== 429).length).toBeLessThanOrEqual(windows * LIMITS.joins);
    for (const a of answers.filter((a) => a.status !== 429)) expect(a.status).toBe(401);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - windows * LIMITS.joins);
    for (const a of refused) expectRefused(a, 'joins');
    expect(await refusalsSince(before, 'joins')).toBeGreaterThanOrEqual(refused.length);
    // The SDK turns the status into the error's code and `error` into its message.
    expect(JSON.parse(refused[0]!.body)).toMatchObject({ code: 429 });
  });

  it('a flood of WebSocket upgrades alone is refused with 429 before the handshake, past the limit and a batch in flight', { timeout: 60_000 }, async () => {
    const attacker = '127.0.0.6';
    const batch = 25;
    const { answers, windows } = await timedFlood(2 * LIMITS.http, batch, () => upgrade(attacker));
    const accepted = answers.filter((a) => a.status === 101).length;
    console.log(`upgrade flood of ${answers.length} from ${attacker} (limit ${LIMITS.http} per ${WINDOW_SECONDS} s, ${windows} window(s)): 101: ${accepted}, 429: ${answers.length - accepted}`);
    // An upgrade is counted while it goes on (see RateLimitedServer.emit): in each window at most the batch in flight passes the limit.
    expect(accepted).toBeLessThanOrEqual(windows * (LIMITS.http + batch));
    const refused = answers.filter((a) => a.status !== 101);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - windows * (LIMITS.http + batch));
    for (const a of refused) {
      expect(a.status).toBe(429);
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  });

  it('the costliest reads have a tighter bucket of their own', { timeout: 60_000 }, async () => {
    const attacker = '127.0.0.5';
    const before = await refusalsInMetrics();
    const { answers, windows } = await timedFlood(3 * LIMITS.expensive, 10, () => send(attacker, 'GET', '/rooms/no-such-room/transcript'));
    console.log(`transcript flood of ${answers.length} from ${attacker} (limit ${LIMITS.expensive} per ${WINDOW_SECONDS} s, ${windows} window(s)): ${tally(answers)}`);
    expect(answers.filter((a) => a.status === 404).length).toBeLessThanOrEqual(windows * LIMITS.expensive);
    const refused = answers.filter((a) => a.status !== 404);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - windows * LIMITS.expensive);
    for (const a of refused) expectRefused(a, 'expensive');
    expect(await refusalsSince(before, 'expensive')).toBeGreaterThanOrEqual(refused.length);
    // The general bucket of that IP still has room: cheap routes are served.
    expect((await send(attacker, 'GET', '/fairness')).status).toBe(200);
  });

  it('a costly route written in absolute-form or with a #fragment takes from the same bucket', { timeout: 60_000 }, async () => {
    const attacker = '127.0.0.7';
    const origin = `http://127.0.0.1:${server.port}`;
    const targets = [`${origin}/auth/nonce`, '/auth/nonce#x', `${origin}/rooms/no-such-room/transcript`, '/rooms/no-such-room/transcript#x', `${origin}/players/${Wallet.createRandom().address}/awards#x`];
    let i = 0;
    const { answers, windows } = await timedFlood(3 * LIMITS.expensive, 10, () => sendRaw(attacker, targets[i++ % targets.length]!));
    console.log(`absolute-form and #fragment flood of ${answers.length} from ${attacker} (limit ${LIMITS.expensive} per ${WINDOW_SECONDS} s, ${windows} window(s)): ${tally(answers)}`);
    expect(answers.filter((a) => a.status !== 429).length).toBeLessThanOrEqual(windows * LIMITS.expensive);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - windows * LIMITS.expensive);
    for (const a of refused) expectRefused(a, 'expensive');
  });

  it('an address creating rooms past its limit is refused; another address is not; after the window it may create again', { timeout: 120_000 }, async () => {
    const from = '127.0.0.4';
    const create = async (wallet: Wallet) =>
      send(from, 'POST', '/matchmake/create/dice', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await signInToken(server.url, wallet)}` },
        body: '{}',
      });
    const greedy = Wallet.createRandom() as unknown as Wallet;
    const created: Answer[] = [];
    for (let i = 0; i < LIMITS.roomCreates; i++) created.push(await create(greedy));
    for (const a of created) expect(a.status, a.body).toBe(200);
    const before = await refusalsInMetrics();
    const over = await create(greedy);
    expect(over.status, over.body).toBe(429);
    expect(await refusalsSince(before, 'room-creates')).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(over.body) as { code: number; error: string };
    expect(body.code).toBe(429);
    expect(body.error).toContain('rate limited (room-creates)');
    // Only creations are limited: with rooms open, its joinOrCreate joins one and is let through.
    const joined = await send(from, 'POST', '/matchmake/joinOrCreate/dice', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signInToken(server.url, greedy)}` },
      body: '{}',
    });
    expect(joined.status, joined.body).toBe(200);
    // Per address, not per IP: another player on the same IP creates.
    const other = await create(Wallet.createRandom() as unknown as Wallet);
    expect(other.status, other.body).toBe(200);
    await waitFor(async () => (await create(greedy)).status === 200, { what: 'the address to create a room again after its window', timeout: (WINDOW_SECONDS + 30) * 1000, interval: 1000 });
  });

  it('fresh addresses from one IP cannot create rooms past the IP\'s limit, whatever client address they claim', { timeout: 60_000 }, async () => {
    const from = '127.0.0.10';
    const create = async (wallet: Wallet, headers: Record<string, string> = {}) =>
      send(from, 'POST', '/matchmake/create/dice', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await signInToken(server.url, wallet)}`, ...headers },
        body: '{}',
      });
    const first = Wallet.createRandom() as unknown as Wallet;
    const second = Wallet.createRandom() as unknown as Wallet;
    const startMs = Date.now();
    const answers: Answer[] = [];
    // The first address uses its whole limit (3), the second its first two: the IP's 5.
    for (let i = 0; i < LIMITS.roomCreates; i++) answers.push(await create(first));
    for (let i = LIMITS.roomCreates; i < LIMITS.roomCreatesPerIp; i++) answers.push(await create(second));
    const before = await refusalsInMetrics();
    // The second address is within its own limit, but the IP is not.
    const over = await create(second);
    // A client-written client key does not move it to another IP's bucket.
    const spoofed = await create(Wallet.createRandom() as unknown as Wallet, { 'x-fairplay-client-key': '203.0.113.77' });
    const counted = await refusalsSince(before, 'room-creates-ip');
    console.log(`room creations from ${from} by 3 addresses (limits ${LIMITS.roomCreates} per address, ${LIMITS.roomCreatesPerIp} per IP, per ${WINDOW_SECONDS} s): ${tally(answers)}, then ${over.status} and ${spoofed.status}`);
    for (const a of answers) expect(a.status, a.body).toBe(200);
    if (!stillInFirstWindow(startMs)) {
      console.log('the IP\'s first window ended during the creations: the refusals are not checked this run');
      return;
    }
    for (const refused of [over, spoofed]) {
      expect(refused.status, refused.body).toBe(429);
      const body = JSON.parse(refused.body) as { code: number; error: string };
      expect(body.code).toBe(429);
      expect(body.error).toContain('rate limited (room-creates-ip)');
      expect(body.error).toContain(`of ${from}`);
    }
    expect(counted).toBeGreaterThanOrEqual(2);
  });

  it('counts every refused request and upgrade in /metrics, and the honest player from another IP was never limited', { timeout: 60_000 }, async () => {
    // Its own flood, counted against its own reading before: no other test's refusals enter.
    const attacker = '127.0.0.8';
    const before = await refusalsInMetrics();
    const startMs = Date.now();
    const requests = await flood(LIMITS.http + 50, 50, () => send(attacker, 'GET', '/fairness'));
    const upgrades = await flood(25, 25, () => upgrade(attacker));
    const inFirstWindow = stillInFirstWindow(startMs);
    const refusedRequests = requests.filter((a) => a.status === 429).length;
    const refusedUpgrades = upgrades.filter((a) => a.status === 429).length;
    const counted = await refusalsSince(before, 'http');
    console.log(`/metrics counted ${counted} http refusals for ${refusedRequests} refused requests and ${refusedUpgrades} refused upgrades from ${attacker}`);
    expect(refusedRequests + refusedUpgrades).toBeGreaterThan(0);
    // Every refusal answered is counted (an upgrade may be counted as refused and still pass: see RateLimitedServer.emit).
    expect(counted).toBeGreaterThanOrEqual(refusedRequests + refusedUpgrades);
    expect(counted).toBeLessThanOrEqual(requests.length + upgrades.length);
    // In the window the flood refused the IP in, its upgrades are refused, so counted in /metrics too.
    if (inFirstWindow) expect(refusedUpgrades).toBe(upgrades.length);
    const report = await bettor.stop();
    console.log(describeHonest('rate-limit floods', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
