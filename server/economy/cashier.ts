/**
 * Cash-outs: chips into coins (docs/economy.md). A player asks for whole coins with a request id
 * of their own; in ONE database transaction the `withdrawals` row, the chip entry
 * `withdrawal/<awardId>` (reason `cashout`, refused by the ledger if above what the bonus rule
 * lets the address withdraw) and the coin award (`withdrawalAwardId`, minted exactly once by the
 * minter like any award) are written, or none of them. Then the award is announced to the
 * minter and the ledger's cache holds the new balance.
 *
 * The same request id again answers the same withdrawal. Cash-outs of one address are taken one
 * at a time here; another process's at the same moment waits on the database (a row lock on
 * PostgreSQL, the write lock on SQLite) and finds the withdrawal, or the lower balance. Bets in
 * flight: the cash-out's chips are held in `available` from the moment it is asked (no bet
 * reserves them meanwhile), it is refused if bets on this process hold them already, and it is
 * refused while the address sits at a chips table on another process (`SeatRegistry.holdChips`).
 * @module
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { formatChips, UNITS_PER_CHIP } from '../../games/chips.ts';
import { SeatRefused, type SeatRegistry } from '../auth/seats.ts';
import { WITHDRAWAL_ROOM, withdrawalAwardId, type Award } from '../awards/award-sink.ts';
import type { SqlAwardOutbox } from '../awards/sql-award-outbox.ts';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import { NotWithdrawable, type ChipEntry, type ChipLedger } from '../chips/chip-ledger.ts';
import type { Schema } from '../db/schema.ts';
import { wageringMet, wageringRequirement, withdrawableCoins, withdrawableUnits } from './bonus-rule.ts';

export interface CashierOptions {
  readonly chips: ChipLedger;
  /** The database the ledger writes to (a request asked before is read there). */
  readonly db: Kysely<Schema>;
  readonly outbox: Pick<SqlAwardOutbox, 'insertWithin' | 'announce'>;
  readonly seats: Pick<SeatRegistry, 'holdChips'>;
  /** `MIN_CASHOUT_COINS`. */
  readonly minCoins: number;
  /**
   * The most coins one cash-out may be: the coin's mint caps per epoch (`COIN_PLAYER_EPOCH_CAP`,
   * `COIN_EPOCH_CAP`). GameAssets never mints more to one address in an epoch, so a larger
   * withdrawal could never be minted: its chips would be taken for coins that never come.
   */
  readonly maxCoins?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** A withdrawal made (or made before, for the same request). */
export interface Withdrawal {
  readonly awardId: string;
  readonly coins: number;
  /** Whether this request was answered before (the same request id). */
  readonly replayed: boolean;
}

/** A cash-out refused, in words for the player (HTTP 409). */
export class CashOutRefused extends Error {
  override readonly name = 'CashOutRefused';
}

export class Cashier {
  /** Per address, the cash-out under way: the next waits for it. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly o: CashierOptions) {}

  /** Cashes `coins` whole coins out of `address`'s chips under `requestId`; throws CashOutRefused. */
  cashOut(address: string, coins: number, requestId: string): Promise<Withdrawal> {
    const key = address.toLowerCase();
    const run = (this.#queues.get(key) ?? Promise.resolve()).then(
      () => this.#cashOut(address, key, coins, requestId),
      () => this.#cashOut(address, key, coins, requestId),
    );
    const tail = run.catch(() => undefined);
    this.#queues.set(key, tail);
    void tail.then(() => this.#queues.get(key) === tail && this.#queues.delete(key));
    return run;
  }

  async #cashOut(player: string, key: string, coins: number, requestId: string): Promise<Withdrawal> {
    const { chips, outbox } = this.o;
    const awardId = withdrawalAwardId(key, requestId);
    const before = await this.#withdrawal(this.o.db, awardId);
    if (before) return this.#replay(before, coins, requestId);
    if (coins < this.o.minCoins) throw new CashOutRefused(`the smallest cash-out is ${plural(this.o.minCoins, 'coin')}; ${plural(coins, 'coin')} asked`);
    const max = this.o.maxCoins ?? Number.MAX_SAFE_INTEGER;
    if (coins > max)
      throw new CashOutRefused(
        `a cash-out is at most ${plural(max, 'coin')} (the most the coin's contract mints to one player in an epoch); ${plural(coins, 'coin')} asked: cash out in parts (those beyond the cap wait for the next epoch)`,
      );
    let release: () => Promise<void>;
    try {
      release = await this.o.seats.holdChips(key, awardId);
    } catch (e) {
      if (e instanceof SeatRefused) throw new CashOutRefused(e.message);
      throw e;
    }
    try {
      await chips.load(key);
      const units = coins * UNITS_PER_CHIP;
      const entry: ChipEntry = { ref: `withdrawal/${awardId}`, address: key, delta: -units, reason: 'cashout' };
      // Checked and held in one turn: no bet reserves these chips in between.
      if (units > chips.available(key)) {
        const held = chips.balance(key) - chips.available(key);
        throw new CashOutRefused(
          `a cash-out of ${plural(coins, 'coin')} is more than the ${formatChips(Math.max(0, chips.available(key)))} chips available${held > 0 ? ` (bets in flight hold ${formatChips(held)} chips)` : ''}`,
        );
      }
      const award: Award = { awardId, player, tokenId: COIN_TOKEN_ID, amount: coins, source: { roomId: WITHDRAWAL_ROOM, drawSeq: 0, recordSeq: 0, recordHash: awardId } };
      let written: { withdrawal: Withdrawal; fresh: Award[] };
      try {
        written = await chips.transact<{ withdrawal: Withdrawal; fresh: Award[] }>(async (trx) => {
          const inserted = await trx
            .insertInto('withdrawals')
            .values({ award_id: awardId, address: key, request_id: requestId, coins, requested_at: this.#now() })
            .onConflict((oc) => oc.doNothing())
            .returning('award_id')
            .executeTakeFirst();
          // Another process took this request meanwhile: its withdrawal is the answer.
          if (!inserted) {
            const other = await this.#withdrawal(trx, awardId);
            return { entries: [], value: { withdrawal: { awardId, coins: other?.coins ?? coins, replayed: true }, fresh: [] } };
          }
          const fresh = await outbox.insertWithin(trx, [award]);
          return { entries: [entry], value: { withdrawal: { awardId, coins, replayed: false }, fresh } };
        }, [entry]);
      } catch (e) {
        if (e instanceof NotWithdrawable) throw new CashOutRefused(await this.#notWithdrawable(key, coins));
        throw e;
      }
      outbox.announce(written.fresh);
      if (!written.withdrawal.replayed) this.o.log?.info({ address: key, coins, awardId }, 'cash-out recorded');
      return written.withdrawal.replayed ? this.#replay(written.withdrawal, coins, requestId) : written.withdrawal;
    } finally {
      await release();
    }
  }

  async #withdrawal(db: Kysely<Schema>, awardId: string): Promise<{ awardId: string; coins: number } | undefined> {
    const row = await db.selectFrom('withdrawals').select(['award_id', 'coins']).where('award_id', '=', awardId).executeTakeFirst();
    return row && { awardId: row.award_id, coins: Number(row.coins) };
  }

  #replay(before: { awardId: string; coins: number }, coins: number, requestId: string): Withdrawal {
    if (before.coins !== coins) throw new CashOutRefused(`request id ${requestId} was used for a cash-out of ${plural(before.coins, 'coin')}; use a new request id for another cash-out`);
    return { awardId: before.awardId, coins: before.coins, replayed: true };
  }

  /** Why the ledger refused: what may leave now, and what the bonus rule asks first. */
  async #notWithdrawable(address: string, coins: number): Promise<string> {
    const s = await this.o.chips.standingNow(address);
    const multiple = this.o.chips.wagerMultiple;
    const may = withdrawableCoins(withdrawableUnits(s, multiple));
    const why =
      s.bonus > 0 && !wageringMet(s, multiple)
        ? `: the ${formatChips(s.bonus)} free chips of your bonus (the starting bonus and chips found in chests) are never cashed out, and chips won with them can be once ${formatChips(wageringRequirement(s.bonus, multiple))} chips have been bet in all (${formatChips(s.wagered)} so far)`
        : s.bonus > 0
          ? `: the ${formatChips(s.bonus)} free chips of your bonus (the starting bonus and chips found in chests) are never cashed out`
          : '';
    return `a cash-out of ${plural(coins, 'coin')} is more than the ${plural(may, 'coin')} this address may cash out now${why}`;
  }

  #now(): number {
    return this.o.now?.() ?? Date.now();
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
