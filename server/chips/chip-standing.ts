/**
 * Reads of `chip_balances` for the chip ledger: each address's balance, and its standing under
 * the bonus rule (balance, bonus, units staked, net deposits), in units. An address without a
 * row has none of them (0).
 * @module
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { BonusStanding } from '../economy/bonus-rule.ts';

/** Addresses asked about in one query. */
export const CHUNK = 500;

export type Standing = BonusStanding;

export const NO_STANDING: Standing = Object.freeze({ balance: 0, bonus: 0, wagered: 0, netDeposit: 0 });

export async function balancesOf(trx: Kysely<Schema>, addresses: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < addresses.length; i += CHUNK) {
    const rows = await trx.selectFrom('chip_balances').select(['address', 'units']).where('address', 'in', addresses.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.address, Number(r.units));
  }
  return out;
}

/**
 * The standings of `addresses`; with `lock` (inside a write transaction) their rows are locked
 * until it ends on PostgreSQL (`for update`: a cash-out on another process waits for this one's
 * commit and reads its result); SQLite's write transactions hold the whole file already.
 */
export async function standingsOf(trx: Kysely<Schema>, addresses: readonly string[], lock?: DialectName): Promise<Map<string, Standing>> {
  const out = new Map<string, Standing>();
  for (let i = 0; i < addresses.length; i += CHUNK) {
    const query = trx
      .selectFrom('chip_balances')
      .select(['address', 'units', 'bonus_units', 'wagered_units', 'net_deposit_units'])
      .where('address', 'in', [...addresses.slice(i, i + CHUNK)].sort());
    const rows = await (lock === 'postgres' ? query.forUpdate() : query).execute();
    for (const r of rows)
      out.set(r.address, { balance: Number(r.units), bonus: Number(r.bonus_units), wagered: Number(r.wagered_units), netDeposit: Number(r.net_deposit_units) });
  }
  return out;
}
