/**
 * House profit by game (`houseSumsByGame`), read without stalling the server and without
 * reading the whole history each time. On SQLite every query runs on the event loop's thread,
 * so one query over every draw ever played (a join of each draw with its chip entries) holds
 * every room, bet and request for as long as it takes: seconds once there are a few hundred
 * thousand draws, and `GET /economy` asks again every 10 s.
 *
 * So draws are read in ranges of `CHUNK` draw numbers (`draws.n`), the event loop let through
 * between two ranges, and the sums of a prefix of ranges that can no longer change are kept: a
 * range is frozen once none of its draws is open and the newest was issued more than `horizonMs`
 * ago (the reveal court's window and a day more: a voided draw answered by the court gains chip
 * entries until then). Each reading then reads only the draws after the frozen prefix.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { drawRangeState, houseSumsByGame, lastDrawNumber, type GameSums } from './economy-queries.ts';

/** Draw numbers per query. */
export const CHUNK = 2000;

type Sums = Map<string, Omit<GameSums, 'game'>>;

export class HouseSums {
  /** Every draw numbered up to here is summed in `#frozen` and never read again. */
  #frozenUpTo = 0;
  readonly #frozen: Sums = new Map();
  #reading: Promise<GameSums[]> | undefined;

  constructor(
    private readonly db: Kysely<Schema>,
    /** How long after its issue a draw's chip entries may still change (court answers). */
    private readonly horizonMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The sums by game, ordered by game; one reading at a time (callers meanwhile share it). */
  read(): Promise<GameSums[]> {
    this.#reading ??= this.#read().finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  async #read(): Promise<GameSums[]> {
    const last = await lastDrawNumber(this.db);
    const recent: Sums = new Map();
    let freezing = true;
    for (let after = this.#frozenUpTo; after < last; after += CHUNK) {
      const range = { after, upTo: Math.min(last, after + CHUNK) };
      await yieldToEventLoop();
      const state = await drawRangeState(this.db, range);
      const sums = state.last === null ? [] : await houseSumsByGame(this.db, range);
      freezing &&= state.open === 0 && state.latestIssuedAt < this.now() - this.horizonMs;
      add(freezing ? this.#frozen : recent, sums);
      if (freezing) this.#frozenUpTo = range.upTo;
    }
    const all: Sums = new Map();
    for (const part of [this.#frozen, recent]) add(all, [...part].map(([game, s]) => ({ game, ...s })));
    return [...all].map(([game, s]) => ({ game, ...s })).sort((a, b) => (a.game < b.game ? -1 : a.game > b.game ? 1 : 0));
  }
}

function add(into: Sums, sums: readonly GameSums[]): void {
  for (const { game, ...s } of sums) {
    const had = into.get(game) ?? { bets: 0, staked: 0, profit: 0, profitSquares: 0 };
    into.set(game, { bets: had.bets + s.bets, staked: had.staked + s.staked, profit: had.profit + s.profit, profitSquares: had.profitSquares + s.profitSquares });
  }
}

/** Lets timers and I/O run (a macrotask turn), not only the microtasks of the next query. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
