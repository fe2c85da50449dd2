/**
 * `GET /metrics` (Prometheus text format, prom-client): rooms (and those patching only on change) and clients, draw records by game
 * and type, proof latency, the prover's queue (proofs waiting or under way, and how long each
 * waited for a worker), the award outbox's depth, minting latency and failures, and Node's
 * own (event loop lag, memory, GC: prom-client's default metrics), and requests refused by each
 * rate limit.
 * @module
 */
import { matchMaker } from '@colyseus/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HashedRecord } from '../vrf/protocol/records.ts';
import type { Prover } from './fairness/prover.ts';
import { roomsPatchingOnChange } from './rooms/patch-on-change.ts';

export interface ServerMetrics {
  readonly registry: Registry;
  /** Counts a record a room journaled. */
  recorded(record: HashedRecord, game: string): void;
  /** The prover, timing each proof and counting those under way. */
  timed(prover: Prover): Prover;
  /** Awards confirmed on chain, with how long each waited since the minter took it in (when known). */
  minted(count: number, waitedSeconds: readonly number[]): void;
  mintFailed(): void;
  /** Counts a request, upgrade or room creation a rate limit refused. */
  rateLimited(limit: string): void;
  /** Where the outbox depth comes from (read at each scrape). */
  watchOutbox(depth: () => number): void;
  /** Counts an item a start found damaged and set aside (`server/storage/damage.ts`). */
  damaged(kind: string): void;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  let outboxDepth: () => number = () => 0;
  new Gauge({
    name: 'fairplay_rooms',
    help: 'Rooms open in this process',
    registers: [registry],
    collect() {
      this.set(matchMaker.stats.local.roomCount);
    },
  });
  new Gauge({
    name: 'fairplay_rooms_patching_on_change',
    help: 'Rooms in this process with no patch timer, patching only when their state changed; the rest of fairplay_rooms wake 20 times a second on Colyseus\' timer',
    registers: [registry],
    collect() {
      this.set(roomsPatchingOnChange());
    },
  });
  new Gauge({
    name: 'fairplay_clients',
    help: 'Clients connected to this process',
    registers: [registry],
    collect() {
      this.set(matchMaker.stats.local.ccu);
    },
  });
  new Gauge({
    name: 'fairplay_outbox_pending',
    help: 'Awards in the outbox not yet minted (capped ones included)',
    registers: [registry],
    collect() {
      this.set(outboxDepth());
    },
  });
  const records = new Counter({ name: 'fairplay_draw_records_total', help: 'Draw records journaled, by game and type', labelNames: ['game', 'type'], registers: [registry] });
  const prove = new Histogram({
    name: 'fairplay_prove_seconds',
    help: 'Time to prove a draw on the prover pool (queueing included)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const provePending = new Gauge({
    name: 'fairplay_prove_pending',
    help: 'Proofs asked of the prover pool and not yet answered: waiting for a worker, or being proven',
    registers: [registry],
  });
  const proveQueued = new Histogram({
    name: 'fairplay_prove_queue_seconds',
    help: 'Time a proof waited from being asked for to a prover worker starting it',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const mintWait = new Histogram({
    name: 'fairplay_mint_seconds',
    help: 'Time from an award reaching the minter to its confirmation on chain',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [registry],
  });
  const minted = new Counter({ name: 'fairplay_awards_minted_total', help: 'Awards confirmed on chain', registers: [registry] });
  const failures = new Counter({ name: 'fairplay_mint_failures_total', help: 'Minting steps that failed and were retried', registers: [registry] });
  const refused = new Counter({ name: 'fairplay_rate_limited_total', help: 'Requests, WebSocket upgrades and room creations refused by a rate limit, by limit', labelNames: ['limit'], registers: [registry] });
  const damaged = new Counter({ name: 'fairplay_damaged_total', help: 'Items a start could not read and set aside (rooms, old journal lines), by kind', labelNames: ['kind'], registers: [registry] });
  return {
    registry,
    recorded: (record, game) => records.inc({ game, type: record.type }),
    timed: (prover) => ({
      prove: async (alpha) => {
        const end = prove.startTimer();
        provePending.inc();
        try {
          const proof = await prover.prove(alpha);
          if (proof.queuedSeconds !== undefined) proveQueued.observe(proof.queuedSeconds);
          return proof;
        } finally {
          provePending.dec();
          end();
        }
      },
      close: () => prover.close(),
    }),
    minted: (count, waited) => {
      minted.inc(count);
      for (const s of waited) mintWait.observe(s);
    },
    mintFailed: () => failures.inc(),
    rateLimited: (limit) => refused.inc({ limit }),
    watchOutbox: (depth) => (outboxDepth = depth),
    damaged: (kind) => damaged.inc({ kind }),
  };
}
