/**
 * One player's whole economy as a test checks it: the chips (the database's balance row, the sum
 * of its chip entries, split by reason) and the coins it holds on chain. The identity a test
 * asserts: chips + coins x UNITS_PER_CHIP = what it was given (the bonus, coins minted to it by the
 * test) + its net play (stakes, doubles, payouts, refunds), once every cash-out is minted.
 */
import type { Contract } from 'ethers';
import { WITHDRAWAL_ROOM } from '../../server/awards/award-sink.ts';
import { inDatabase } from './rooms-db.ts';
import { serverPlace } from './server-database.ts';

export interface PlayerLedger {
  /** chip_balances.units (0 without a row). */
  readonly balance: number;
  /** The sum of the address's chip_entries. */
  readonly entriesSum: number;
  /** Sums of its entries by reason. */
  readonly byReason: Readonly<Record<string, number>>;
  /** grant + stake + double + payout + refund. */
  readonly grantAndPlay: number;
  /**
   * Coins (token 1) awarded to it by rooms (wins that minted coins before chips-only play; court
   * payouts): coins that did not come out of its chips. Cash-outs are not counted here.
   */
  readonly roomCoins: number;
  /** Refs of its chip entries, of one reason. */
  readonly refs: (reason: string) => string[];
}

const PLAY = ['grant', 'stake', 'double', 'payout', 'refund'];

/**
 * `inDatabase` on the database of the server on `dataDir`, tried again while a running server's
 * write holds SQLite's lock at the open (SQLITE_BUSY): lock contention, not a state to wait for.
 */
export async function readServerDatabase<T>(dataDir: string, read: Parameters<typeof inDatabase<T>>[1]): Promise<T> {
  const place = await serverPlace(dataDir);
  for (let attempt = 1; ; attempt++) {
    try {
      return await inDatabase(place, read);
    } catch (e) {
      if (attempt >= 40 || !/SQLITE_BUSY|database is locked/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 25 * Math.min(attempt, 8)));
    }
  }
}

/** The chips of `address` in the database of the server on `dataDir`. */
export async function playerLedger(dataDir: string, address: string): Promise<PlayerLedger> {
  const a = address.toLowerCase();
  const { row, entries, awards } = await readServerDatabase(dataDir, async (db) => ({
    row: await db.selectFrom('chip_balances').select('units').where('address', '=', a).executeTakeFirst(),
    entries: await db.selectFrom('chip_entries').select(['ref', 'delta', 'reason']).where('address', '=', a).execute(),
    awards: await db.selectFrom('awards').select(['player', 'amount']).where('token_id', '=', 1).where('room_id', '!=', WITHDRAWAL_ROOM).execute(),
  }));
  const byReason: Record<string, number> = {};
  for (const e of entries) byReason[e.reason] = (byReason[e.reason] ?? 0) + Number(e.delta);
  return {
    balance: Number(row?.units ?? 0),
    entriesSum: entries.reduce((s, e) => s + Number(e.delta), 0),
    byReason,
    grantAndPlay: PLAY.reduce((s, r) => s + (byReason[r] ?? 0), 0),
    roomCoins: awards.filter((w) => w.player.toLowerCase() === a).reduce((s, w) => s + Number(w.amount), 0),
    refs: (reason) => entries.filter((e) => e.reason === reason).map((e) => e.ref),
  };
}

/** The coins (token 1) `address` holds on chain. */
export async function coinsHeld(assets: Contract, address: string): Promise<number> {
  return Number((await assets.getFunction('balanceOf')(address, 1)) as bigint);
}
