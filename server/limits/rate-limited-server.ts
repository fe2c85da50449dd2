/**
 * The HTTP server every request and WebSocket upgrade enters through, rate-limited per client
 * before anything else sees it. The limits sit here, not in an Express middleware, because
 * Colyseus answers its matchmaking routes (`POST /matchmake/...`) in a request listener of its
 * own ahead of Express, and takes upgrades in an `upgrade` listener: the server's event dispatch
 * is the one place all of them pass.
 *
 * Every request and upgrade takes a point from the client's `http` bucket; matchmaking requests
 * (join, create, reconnect) from its `joins` bucket too, and the costliest reads from its
 * `expensive` bucket. A refused request is answered 429 with `Retry-After` (seconds) and a JSON
 * body naming the limit; a refused upgrade gets the same answer instead of the handshake (an
 * upgrade is refused on its IP's standing refusal, see `emit`).
 * @module
 */
import { Server, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLIENT_KEY_HEADER, clientIp, clientKey } from './client-ip.ts';
import { colyseusRoutePath, expressRoutePath } from './route-paths.ts';
import type { LimitName, RateLimits, Refusal } from './rate-limits.ts';

/** The reads that cost the most per request: a whole transcript or its pages, an anchor's leaves or a range of anchors, awards with their chain balances, sign-in nonces, a transaction's page (chain reads). */
const EXPENSIVE = [/^\/rooms\/[^/]+\/transcript$/, /^\/anchors(\/[^/]+)?$/, /^\/players\/[^/]+\/awards$/, /^\/auth\/nonce$/, /^\/tx\/[^/]+$/, /^\/economy$/];
/** Colyseus' matchmaking: every join, create and reconnect starts with one. */
const MATCHMAKE = /^\/matchmake\//;

/** The buckets a request takes a point from, the general one first. */
export function bucketsFor(method: string | undefined, url: string | undefined): LimitName[] {
  // Each path as the code that will route the request reads it (route-paths.ts): an absolute-form
  // target or a `#…` must not route to a handler while missing its bucket. Matchmaking is counted
  // case-insensitively (more than Colyseus routes, never less). Express answers HEAD with GET's handler.
  if (method === 'POST' && MATCHMAKE.test(colyseusRoutePath(url).toLowerCase())) return ['http', 'joins'];
  const path = expressRoutePath(url);
  if ((method === 'GET' || method === 'HEAD') && EXPENSIVE.some((re) => re.test(path))) return ['http', 'expensive'];
  if (method === 'POST' && path === '/chain') return ['http', 'expensive']; // JSON-RPC to the chain: node work per call
  if (method === 'POST' && path === '/chain/fund') return ['http', 'expensive']; // the faucet: a sign-in check and a payment
  if (method === 'POST' && path === '/economy/cash-out') return ['http', 'expensive']; // a sign-in check and a database transaction
  return ['http'];
}

/** Refusals remembered for upgrades at most: one per refused client IP in the window. */
const MAX_REMEMBERED = 100_000;

export class RateLimitedServer extends Server {
  /** The general bucket's last refusal of each client key, until its window ends. */
  readonly #refused = new Map<string, { refusal: Refusal; until: number }>();

  constructor(
    options: ServerOptions,
    private readonly limits: RateLimits,
    /** `TRUST_PROXY`: reverse proxies whose X-Forwarded-For entries are believed. */
    private readonly trustedHops: number,
  ) {
    super(options);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const key = clientKey(clientIp(req, this.trustedHops));
      // For room creations counted per IP in onAuth; any value the client wrote is replaced.
      req.headers[CLIENT_KEY_HEADER] = key;
      void this.#admit(key, bucketsFor(req.method, req.url)).then(
        (refusal) => (refusal ? refuseRequest(res, refusal) : super.emit('request', req, res)),
        () => super.emit('request', req, res),
      );
      return true;
    }
    if (event === 'upgrade') {
      const [req, socket] = args as [IncomingMessage, Duplex];
      const key = clientKey(clientIp(req, this.trustedHops));
      const refusal = this.#refusedUntil(key);
      // Handed on (or refused) in the tick it arrived in, and counted meanwhile: upgrades held back
      // until their count came back (even one microtask) lost sockets under a burst of 1,000 joins
      // (test/server/hostile.test.ts), clients seeing their connection fail with no reason. So an
      // upgrade is refused on its IP's last refusal from the general bucket, still running: a
      // burst's first few upgrades pass before the count refuses one, then every one is refused.
      // Every upgrade is counted, so each refusal is in /metrics.
      void this.#consume('http', key);
      if (refusal) {
        refuseUpgrade(socket, refusal);
        return true;
      }
      return super.emit('upgrade', ...args);
    }
    // Symbols pass too: the typing knows string events only.
    return super.emit(event as string, ...args);
  }

  /** The first refusal among the buckets, in order; a refused request takes no point from the later ones. */
  async #admit(key: string, buckets: readonly LimitName[]): Promise<Refusal | undefined> {
    for (const bucket of buckets) {
      const refusal = await this.#consume(bucket, key);
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** Takes a point, and remembers a refusal from the general bucket until its window ends (for upgrades). */
  async #consume(bucket: LimitName, key: string): Promise<Refusal | undefined> {
    const refusal = await this.limits.consume(bucket, key);
    if (refusal && bucket === 'http') {
      const now = Date.now();
      // Bounded: past the cap, the ended refusals are dropped first (a flood from many addresses).
      if (this.#refused.size >= MAX_REMEMBERED) for (const [k, r] of this.#refused) if (r.until <= now) this.#refused.delete(k);
      if (this.#refused.size < MAX_REMEMBERED) this.#refused.set(key, { refusal, until: now + refusal.retryAfterSeconds * 1000 });
    }
    return refusal;
  }

  /** The general bucket's refusal of `key` while its window lasts, with the seconds left. */
  #refusedUntil(key: string): Refusal | undefined {
    const remembered = this.#refused.get(key);
    if (!remembered) return undefined;
    const left = remembered.until - Date.now();
    if (left <= 0) {
      this.#refused.delete(key);
      return undefined;
    }
    return { ...remembered.refusal, retryAfterSeconds: Math.ceil(left / 1000) };
  }
}

function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ error: refusal.message, code: 429, limit: refusal.limit, retryAfterSeconds: refusal.retryAfterSeconds });
}

function refuseRequest(res: ServerResponse, refusal: Refusal): void {
  const body = refusalBody(refusal);
  // The connection is closed after the answer: a flooding client pays a new connection per retry.
  res.writeHead(429, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(refusal.retryAfterSeconds),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  if (socket.destroyed) return;
  const body = refusalBody(refusal);
  const head = [
    'HTTP/1.1 429 Too Many Requests',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Retry-After: ${refusal.retryAfterSeconds}`,
    'Connection: close',
  ];
  socket.on('error', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
