/**
 * The database's side of `GET /economy`: each figure aggregated in SQL (one row per game, epoch,
 * player or transaction comes back, never one per bet), every list limited, and the same SQL on
 * SQLite and PostgreSQL. Amounts come back as the database keeps them (units, coins, gas, wei);
 * economy-stats.ts turns them into chips.
 * @module
 */
import { sql, type Kysely } from 'kysely';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Schema } from '../db/schema.ts';
import type { BetSums } from './house-band.ts';

/** PostgreSQL answers sums of bigints as numeric strings, SQLite as numbers. */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
/** A float cast both dialects take (SQLite gives "double precision" REAL affinity). */
const float = (expr: ReturnType<typeof sql.ref>) => sql`cast(${expr} as double precision)`;

/** How many epochs, samples, transactions and players the lists keep. */
export const LIMITS = { epochs: 60, samplesPerToken: 720, gasTxs: 200, players: 10 } as const;

/** The chip entry refs of a draw: `<roomId>/<drawSeq>/<what>` (games/*\/room.ts, court/case-answer.ts). */
const DRAW_REF_SUFFIXES = ['stake', 'double', 'payout', 'refund', 'court-stake', 'court-payout'] as const;

/** Draws numbered (`draws.n`) from `after` (excluded) to `upTo` (included). */
export interface DrawRange {
  readonly after: number;
  readonly upTo: number;
}

/** Of the draws in a range: how many are still open, the latest issue time, the last number (null: none). */
export async function drawRangeState(db: Kysely<Schema>, range: DrawRange): Promise<{ open: number; latestIssuedAt: number; last: number | null }> {
  const { rows } = await sql<{ open: unknown; latest: unknown; last: unknown }>`
    select sum(case when status = 'open' then 1 else 0 end) as open, max(issued_at) as latest, max(n) as last
    from draws where n > ${range.after} and n <= ${range.upTo}`.execute(db);
  const r = rows[0];
  return { open: num(r?.open ?? 0), latestIssuedAt: num(r?.latest ?? 0), last: r?.last === null || r?.last === undefined ? null : num(r.last) };
}

/** The highest draw number so far (0: none). */
export async function lastDrawNumber(db: Kysely<Schema>): Promise<number> {
  const row = await db.selectFrom('draws').select((eb) => eb.fn.max('n').as('n')).executeTakeFirst();
  return row?.n === null || row?.n === undefined ? 0 : num(row.n);
}

export interface GameSums extends BetSums {
  readonly game: string;
}

/**
 * Per game, over its ended draws that kept a stake: bets, net stake (stakes and doubles less
 * refunds), the house's profit (the negated sum of the draw's chip entries) and Σ profit², in units.
 * A draw still open is left out: its stake is not the house's yet.
 */
export async function houseSumsByGame(db: Kysely<Schema>, range?: DrawRange): Promise<GameSums[]> {
  const key = sql`d.room_id || '/' || d.draw_seq || '/'`;
  const within = range ? sql`and d.n > ${range.after} and d.n <= ${range.upTo}` : sql``;
  const refs = sql.join(DRAW_REF_SUFFIXES.map((s) => sql`${key} || ${s}`));
  const { rows } = await sql<{ game: string; bets: unknown; staked: unknown; profit: unknown; squares: unknown }>`
    select s.game as game, count(*) as bets, sum(s.staked) as staked, sum(s.profit) as profit,
      sum(${float(sql.ref('s.profit'))} * ${float(sql.ref('s.profit'))}) as squares
    from (
      select d.game as game,
        -sum(case when e.reason in ('stake', 'double', 'refund') then e.delta else 0 end) as staked,
        -sum(e.delta) as profit
      from draws d join chip_entries e on e.ref in (${refs})
      where d.status <> 'open' ${within}
      group by d.room_id, d.draw_seq, d.game
    ) s
    where s.staked > 0
    group by s.game
    order by s.game`.execute(db);
  return rows.map((r) => ({ game: r.game, bets: num(r.bets), staked: num(r.staked), profit: num(r.profit), profitSquares: num(r.squares) }));
}

export interface EpochFlow {
  readonly epoch: number;
  readonly count: number;
  readonly coins: number;
}

/** Cash-outs (by request time) or credited deposits, per epoch of `epochSeconds`, the latest LIMITS.epochs. */
export async function flowsByEpoch(db: Kysely<Schema>, table: 'withdrawals' | 'deposits', epochSeconds: number): Promise<EpochFlow[]> {
  const at = sql.ref(table === 'withdrawals' ? 'requested_at' : 'credited_at');
  const { rows } = await sql<{ epoch: unknown; count: unknown; coins: unknown }>`
    select ${at} / ${sql.lit(epochSeconds * 1000)} as epoch, count(*) as count, sum(coins) as coins
    from ${sql.table(table)} group by 1 order by 1 desc limit ${sql.lit(LIMITS.epochs)}`.execute(db);
  return rows.map((r) => ({ epoch: num(r.epoch), count: num(r.count), coins: num(r.coins) })).reverse();
}

/** A token's sampled supply, oldest first, the latest LIMITS.samplesPerToken. */
export async function supplySamples(db: Kysely<Schema>, tokenId: number): Promise<{ at: number; supply: string }[]> {
  const rows = await db
    .selectFrom('economy_samples')
    .select(['at', 'supply'])
    .where('token_id', '=', tokenId)
    .orderBy('at', 'desc')
    .limit(LIMITS.samplesPerToken)
    .execute();
  return rows.map((r) => ({ at: num(r.at), supply: r.supply })).reverse();
}

export interface MintTxGas {
  readonly n: number;
  readonly hash: string;
  readonly gasUsed: number;
  /** Wei per gas. */
  readonly gasPrice: number;
  readonly awards: number;
}

/**
 * `mint_txs` also holds the fairness key's transactions (anchors, court answers) under their own
 * `contract` label: every gas figure is of GameAssets' mint transactions only.
 */

/** The latest confirmed mint transactions whose gas is known, oldest first, with how many awards each minted. */
export async function recentMintGas(db: Kysely<Schema>, contract: string): Promise<MintTxGas[]> {
  const rows = await db
    .selectFrom('mint_txs as t')
    .select((eb) => ['t.n', 't.hash', 't.gas_used', 't.gas_price', eb.selectFrom('minted_awards as m').select((e) => e.fn.countAll().as('k')).whereRef('m.hash', '=', 't.hash').as('awards')])
    .where('t.contract', '=', contract.toLowerCase())
    .where('t.state', '=', 'confirmed')
    .where('t.gas_used', 'is not', null)
    .orderBy('t.n', 'desc')
    .limit(LIMITS.gasTxs)
    .execute();
  return rows.map((r) => ({ n: num(r.n), hash: r.hash, gasUsed: num(r.gas_used), gasPrice: num(r.gas_price), awards: num(r.awards) })).reverse();
}

/** Over every confirmed mint transaction whose gas is known: transactions, awards, gas and wei. */
export async function gasTotals(db: Kysely<Schema>, contract: string): Promise<{ txs: number; awards: number; gas: number; wei: number }> {
  const { rows } = await sql<{ txs: unknown; gas: unknown; wei: unknown }>`
    select count(*) as txs, sum(${float(sql.ref('gas_used'))}) as gas, sum(${float(sql.ref('gas_used'))} * ${float(sql.ref('gas_price'))}) as wei
    from mint_txs where contract = ${contract.toLowerCase()} and state = 'confirmed' and gas_used is not null`.execute(db);
  const awards = await sql<{ k: unknown }>`
    select count(*) as k from minted_awards m join mint_txs t on t.hash = m.hash
    where t.contract = ${contract.toLowerCase()} and t.state = 'confirmed' and t.gas_used is not null`.execute(db);
  return { txs: num(rows[0]?.txs), awards: num(awards.rows[0]?.k), gas: num(rows[0]?.gas), wei: num(rows[0]?.wei) };
}

export interface PlayerGas {
  readonly address: string;
  readonly awards: number;
  readonly gas: number;
  readonly wei: number;
}

/** The players whose minted awards cost the most gas: each transaction's gas shared evenly among its awards. */
export async function gasByPlayer(db: Kysely<Schema>, contract: string): Promise<PlayerGas[]> {
  const { rows } = await sql<{ address: string; awards: unknown; gas: unknown; wei: unknown }>`
    select a.address as address, count(*) as awards,
      sum(${float(sql.ref('t.gas_used'))} / c.k) as gas,
      sum(${float(sql.ref('t.gas_used'))} * ${float(sql.ref('t.gas_price'))} / c.k) as wei
    from minted_awards m
      join mint_txs t on t.hash = m.hash
      join (select hash, count(*) as k from minted_awards group by hash) c on c.hash = m.hash
      join awards a on a.award_id = m.award_id
    where t.contract = ${contract.toLowerCase()} and t.state = 'confirmed' and t.gas_used is not null
    group by a.address order by 3 desc limit ${sql.lit(LIMITS.players)}`.execute(db);
  return rows.map((r) => ({ address: r.address, awards: num(r.awards), gas: num(r.gas), wei: num(r.wei) }));
}

/**
 * The players who won the most chips from play (stakes, doubles, payouts and refunds; no bonus,
 * deposits or cash-outs), in units: the balance less the bonus and the deposits net of cash-outs,
 * which the ledger keeps per address with it (a row per player, not a scan of every chip entry).
 */
export async function topWinners(db: Kysely<Schema>): Promise<{ address: string; units: number }[]> {
  const { rows } = await sql<{ address: string; units: unknown }>`
    select address, units - bonus_units - net_deposit_units as units from chip_balances
    order by 2 desc, address limit ${sql.lit(LIMITS.players)}`.execute(db);
  return rows.map((r) => ({ address: r.address, units: num(r.units) }));
}

/** The players who cashed out the most coins (every request taken, minted or not). */
export async function topCashOuts(db: Kysely<Schema>): Promise<{ address: string; coins: number; count: number }[]> {
  const { rows } = await sql<{ address: string; coins: unknown; count: unknown }>`
    select address, sum(coins) as coins, count(*) as count from withdrawals
    group by address order by 2 desc limit ${sql.lit(LIMITS.players)}`.execute(db);
  return rows.map((r) => ({ address: r.address, coins: num(r.coins), count: num(r.count) }));
}

/** Coins the database says were minted: of withdrawals, and of other coin awards (those before cash-outs existed). */
export async function mintedCoinsByKind(db: Kysely<Schema>, contract: string, coinTokenId: number): Promise<{ withdrawn: number; otherAwards: number; inFlight: number }> {
  const c = contract.toLowerCase();
  const { rows } = await sql<{ withdrawn: unknown; other: unknown }>`
    select
      sum(case when w.award_id is not null then a.amount else 0 end) as withdrawn,
      sum(case when w.award_id is null then a.amount else 0 end) as other
    from minted_awards m
      join awards a on a.award_id = m.award_id
      left join withdrawals w on w.award_id = m.award_id
    where m.contract = ${c} and a.token_id = ${coinTokenId}`.execute(db);
  // Coins in transactions sent and not yet confirmed: on chain maybe, not yet in minted_awards.
  const flight = await sql<{ k: unknown }>`
    select sum(a.amount) as k from mint_txs t
      join mint_tx_awards x on x.hash = t.hash
      join awards a on a.award_id = x.award_id
    where t.contract = ${c} and t.state = 'sent' and a.token_id = ${coinTokenId}
      and not exists (select 1 from minted_awards m where m.contract = ${c} and m.award_id = x.award_id)`.execute(db);
  return { withdrawn: num(rows[0]?.withdrawn), otherAwards: num(rows[0]?.other), inFlight: num(flight.rows[0]?.k) };
}

/** Minted awards of a token less credited deposits: the supply when the contract cannot say (no totalSupply). */
export async function mintedLessDeposited(db: Kysely<Schema>, contract: string, tokenId: number, coinTokenId: number): Promise<number> {
  const { rows } = await sql<{ k: unknown }>`
    select sum(a.amount) as k from minted_awards m join awards a on a.award_id = m.award_id
    where m.contract = ${contract.toLowerCase()} and a.token_id = ${tokenId}`.execute(db);
  if (tokenId !== coinTokenId) return num(rows[0]?.k);
  const dep = await sql<{ k: unknown }>`select sum(coins) as k from deposits`.execute(db);
  return num(rows[0]?.k) - num(dep.rows[0]?.k);
}

/** All-time cash-outs and credited deposits: counts and coins. */
export async function flowTotals(db: Kysely<Schema>): Promise<{ withdrawals: { count: number; coins: number }; deposits: { count: number; coins: number } }> {
  const w = await sql<{ k: unknown; c: unknown }>`select count(*) as k, sum(coins) as c from withdrawals`.execute(db);
  const d = await sql<{ k: unknown; c: unknown }>`select count(*) as k, sum(coins) as c from deposits`.execute(db);
  return { withdrawals: { count: num(w.rows[0]?.k), coins: num(w.rows[0]?.c) }, deposits: { count: num(d.rows[0]?.k), coins: num(d.rows[0]?.c) } };
}

/**
 * The chip side of the books, in coins: the chips deposits credited less those cash-outs took
 * (the players' `net_deposit_units`, kept in the same transactions as those chip entries: one row
 * per address, not a scan of every entry), against the deposit and withdrawal rows; and the
 * deposits credited from blocks up to `atBlock`, which the chain's Deposited events up to that
 * block must cover.
 */
export async function chipBooks(db: Kysely<Schema>, atBlock: number): Promise<{ netDepositChips: number; depositCoins: number; withdrawalCoins: number; creditedToBlock: number }> {
  const net = await sql<{ k: unknown }>`select sum(net_deposit_units) as k from chip_balances`.execute(db);
  const w = await sql<{ k: unknown }>`select sum(coins) as k from withdrawals`.execute(db);
  const d = await sql<{ all: unknown; upto: unknown }>`
    select sum(coins) as "all", sum(case when block_number <= ${atBlock} then coins else 0 end) as upto from deposits`.execute(db);
  return {
    netDepositChips: num(net.rows[0]?.k) / UNITS_PER_CHIP,
    depositCoins: num(d.rows[0]?.all),
    withdrawalCoins: num(w.rows[0]?.k),
    creditedToBlock: num(d.rows[0]?.upto),
  };
}
