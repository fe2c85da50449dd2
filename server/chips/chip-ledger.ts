/**
 * Players' chip balances, kept in the database (`server/db/`): a row per effect in `chip_entries`,
 * whose primary key `ref` makes applying the same effect twice (a retry, recovery re-applying a
 * room's records, a survivor and the restarted owner both settling a room) change nothing, and a
 * row per address in `chip_balances`, updated in the same transaction as the entries it counts:
 * its balance, and what the bonus rule reads (docs/economy.md, `server/economy/bonus-rule.ts`):
 * the bonus granted (`grant` entries), the units staked (`stake` and `double`, less `refund`) and its deposits
 * less its cash-outs (`deposit` and `cashout`). The entries applied in one event-loop turn share
 * one transaction.
 *
 * A never-seen address has no chips. The starting allowance (`grant/<address>`, a bonus) is
 * granted only when asked (`grantBonus`, or the bonus gate through `transact`), once: its ref is
 * its key. A cash-out (`cashout`) is refused inside the transaction, with nothing of its apply
 * written, if it takes more than the address may withdraw (`NotWithdrawable`). `transact` runs a
 * transaction of its own in order with the ledger's writes, so that a cash-out's other rows (the
 * withdrawal, its award) commit with its chip entry or not at all, and holds the cash-out's
 * chips in `available` from the moment it is asked: no bet may reserve them meanwhile.
 *
 * Every amount here (balances, reservations, entries' deltas, the starting allowance) is an
 * integer count of units, `UNITS_PER_CHIP` to the chip (`games/chips.ts`), and stays a safe
 * integer: an `apply` whose entries would take a balance past one is refused (rejected, nothing
 * of it written) inside the transaction, before its rows are inserted.
 *
 * **Reads are served from a per-player cache, loaded from the database** when the player joins
 * a room (`load`), and refreshed by every commit that touches the player. The rooms read
 * balances synchronously (a bet reserves against `available` in the same turn it is checked, and
 * a stake must count the moment its receipt is out, before it is committed, or a second bet
 * could spend the same chips): an async read on every bet would open that gap. The seat rules
 * keep a staking player on one process, so while they play here no other process changes their
 * balance; a survivor's refunds are seen at their next join. `/players/:address/chips` reads the
 * database (`balanceNow`). So `balance` is the committed balance (cached) plus the entries of
 * this process still on their way to the database; entries already committed are not kept in
 * memory, only the players' balances. An entry applied again while one with its ref is in flight
 * counts once; one applied again after its ref was committed shows for the moment of its batch,
 * then the database's answer (unchanged) replaces it.
 *
 * Reservations of bets on their way to a receipt stay in memory, per process.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';
import { formatChips } from '../../games/chips.ts';
import { DEFAULT_BONUS_WAGER_MULTIPLE, withdrawableUnits } from '../economy/bonus-rule.ts';
import type { Database } from '../db/database.ts';
import { balancesOf, CHUNK, NO_STANDING, standingsOf, type Standing } from './chip-standing.ts';
import { TurnBatch } from '../db/turn-batch.ts';
import type { Schema } from '../db/schema.ts';
import type { DamageSink } from '../storage/damage.ts';
import { importOldJournal, oldJournals } from '../storage/old-journals.ts';

export interface ChipEntry {
  /** Unique per effect, e.g. `room/draw/stake`; an entry whose ref was applied before is skipped. */
  readonly ref: string;
  readonly address: string;
  /** In units. */
  readonly delta: number;
  readonly reason: 'grant' | 'stake' | 'double' | 'payout' | 'refund' | 'cashout' | 'deposit';
}

const ChipEntrySchema = z.strictObject({
  ref: z.string().min(1),
  address: AddressSchema,
  delta: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  reason: z.enum(['grant', 'stake', 'double', 'payout', 'refund', 'cashout', 'deposit']),
});

export const parseChipEntry = (value: unknown): ChipEntry => ChipEntrySchema.parse(value);

export class InsufficientChips extends Error {}

/** A cash-out above what the address may withdraw (the bonus rule): refused inside its transaction, nothing of its apply written. */
export class NotWithdrawable extends Error {
  override readonly name = 'NotWithdrawable';
  constructor(
    readonly address: string,
    /** Units asked for. */
    readonly asked: number,
    /** Units the address may withdraw at that moment. */
    readonly withdrawable: number,
  ) {
    super(`a cash-out of ${formatChips(asked)} chips is more than the ${formatChips(withdrawable)} chips ${address} may cash out now`);
  }
}

/** What `transact`'s work returns: entries to apply in its transaction, and its own answer. */
export interface Transacted<T> {
  readonly entries: readonly ChipEntry[];
  readonly value: T;
}

/** Work done in a transaction of its own, in order with the ledger's writes (`transact`). */
type Work = (trx: Kysely<Schema>) => Promise<Transacted<unknown>>;

/** Balances read in one query: the addresses asked for, those to cache, and the answer. */
interface ReadBatch {
  readonly writes: number;
  readonly keys: Set<string>;
  readonly cache: Set<string>;
  units: Promise<Map<string, number>>;
}

interface Apply {
  /** Entries counted in memory at once (in `#pending`) and released when the write settles. */
  readonly entries: readonly ChipEntry[];
  /** Set for `transact`: a transaction of its own, whose entries come from the work. */
  readonly work?: Work;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Written {
  readonly verdicts: (Error | undefined)[];
  readonly values: unknown[];
  readonly balances: Map<string, number>;
}

export class ChipLedger {
  /** Committed balances of the players loaded here (lowercase address → units). */
  readonly #cached = new Map<string, number>();
  /** Entries applied here and not yet committed (or failed), by ref. */
  readonly #inFlight = new Map<string, ChipEntry>();
  /** Per address, the sum of its entries in flight. */
  readonly #pending = new Map<string, number>();
  readonly #reserved = new Map<string, number>();
  /** Applies written a turn's worth at a time; reads run between batches, in order with them. */
  readonly #batches = new TurnBatch<Apply>((batch) => this.#write(batch));
  /** Applies so far: a read joins a waiting read's query only if none came in between. */
  #writes = 0;
  /** The read waiting its turn, which later reads may join. */
  #readBatch: ReadBatch | undefined;

  private constructor(
    private readonly database: Database,
    /** Units of the starting bonus (`STARTING_CHIPS`), granted by `grantBonus`. */
    readonly startingUnits: number,
    /** `BONUS_WAGER_MULTIPLE`: the wagering requirement is this many times the bonus. */
    readonly wagerMultiple: number,
  ) {}

  static async open(database: Database, startingUnits: number, wagerMultiple = DEFAULT_BONUS_WAGER_MULTIPLE): Promise<ChipLedger> {
    if (!Number.isSafeInteger(startingUnits) || startingUnits < 0) throw new RangeError(`the starting allowance must be a safe integer of units, got ${startingUnits}`);
    if (!Number.isSafeInteger(wagerMultiple) || wagerMultiple < 0) throw new RangeError(`the wager multiple must be a non-negative integer, got ${wagerMultiple}`);
    return new ChipLedger(database, startingUnits, wagerMultiple);
  }

  /** Balance in units (cached, plus entries in flight); 0 for an address never seen. */
  balance(address: string): number {
    const key = address.toLowerCase();
    return (this.#cached.get(key) ?? 0) + (this.#pending.get(key) ?? 0);
  }

  /** Balance less the units held by bets not yet staked. */
  available(address: string): number {
    return this.balance(address) - (this.#reserved.get(address.toLowerCase()) ?? 0);
  }

  /** Reads the player's balance from the database into the cache (after every batch applied before). */
  async load(address: string): Promise<void> {
    await this.#read(address.toLowerCase(), true);
  }

  /** The balance as the database has it, plus this process's entries in flight; caches nothing new. */
  async balanceNow(address: string): Promise<number> {
    const key = address.toLowerCase();
    return (await this.#read(key, false)) + (this.#pending.get(key) ?? 0);
  }

  /**
   * The address's standing under the bonus rule as the database has it (after every write begun
   * before), its balance counting this process's entries in flight as `balanceNow` does.
   */
  async standingNow(address: string): Promise<Standing> {
    const key = address.toLowerCase();
    const standing = await this.#batches.after(async () => (await standingsOf(this.database.db, [key])).get(key) ?? NO_STANDING);
    return { ...standing, balance: standing.balance + (this.#pending.get(key) ?? 0) };
  }

  /** The starting bonus's entry for `address` (applied once however often it is given: its ref is its key). */
  bonusEntry(address: string): ChipEntry {
    const key = address.toLowerCase();
    return { ref: `grant/${key}`, address: key, delta: this.startingUnits, reason: 'grant' };
  }

  /** Grants the starting bonus to `address`, once (nothing with a starting allowance of 0). */
  async grantBonus(address: string): Promise<void> {
    if (this.startingUnits > 0) await this.apply([this.bonusEntry(address)]);
  }

  /** Holds `amount` units (a positive safe integer) of the available balance for a bet on its way to its stake entry. */
  reserve(address: string, amount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`a reservation must be a positive safe integer of units, got ${amount}`);
    if (amount > this.available(address))
      throw new InsufficientChips(`bet of ${formatChips(amount)} chips exceeds the available balance of ${formatChips(this.available(address))}`);
    const key = address.toLowerCase();
    this.#reserved.set(key, (this.#reserved.get(key) ?? 0) + amount);
  }

  release(address: string, amount: number): void {
    const key = address.toLowerCase();
    const left = (this.#reserved.get(key) ?? 0) - amount;
    if (left > 0) this.#reserved.set(key, left);
    else this.#reserved.delete(key);
  }

  /**
   * Counts the entries at once (those whose ref is not already in flight here), and resolves when
   * they are committed, or rejects (counting none of them) if they would take a balance out of the
   * safe integers, a cash-out is above what may be withdrawn, or the database failed.
   */
  apply(entries: readonly ChipEntry[]): Promise<void> {
    const fresh = this.#hold(entries);
    if (fresh.length === 0) return Promise.resolve();
    this.#writes++;
    return new Promise((resolve, reject) => void this.#batches.add({ entries: fresh, resolve: () => resolve(), reject }));
  }

  /**
   * Runs `work` in a database transaction of its own, after every write begun before it (and
   * before any begun later), and applies the entries it returns in that same transaction, all or
   * none (a cash-out above what may be withdrawn throws `NotWithdrawable` and rolls back
   * everything `work` wrote). `holding`: entries counted at once in `balance` and `available`
   * until the transaction settles (a cash-out's debit, so that no bet reserves the same chips
   * meanwhile); `work` returns them again if they are to be applied. Rejects with whatever `work`
   * threw. On PostgreSQL `work` may run more than once (a deadlock retried): queries only.
   */
  transact<T>(work: (trx: Kysely<Schema>) => Promise<Transacted<T>>, holding: readonly ChipEntry[] = []): Promise<T> {
    const held = this.#hold(holding);
    this.#writes++;
    return new Promise<T>((resolve, reject) => void this.#batches.add({ entries: held, work, resolve: (v) => resolve(v as T), reject }));
  }

  /**
   * Imports an old JSON-lines chip journal (`chips.jsonl` of the journal version): its entries
   * are applied by ref (those the database has are skipped), then the file is renamed
   * `<file>.imported`. A damaged line is skipped, the rest imported, and the file kept as
   * `<file>.damaged` with a report (`importOldJournal`); never throws.
   */
  importJournal(path: string, log?: Logger, damage?: DamageSink): Promise<{ imported: number; bad: number } | undefined> {
    return importOldJournal(path, 'chip journal', parseChipEntry, async (entries) => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        // Refs within a chunk may repeat (a journal holds each once, but a damaged one may not).
        await this.apply([...new Map(entries.slice(i, i + CHUNK).map((e) => [e.ref, e])).values()]);
      }
    }, log, damage && { sink: damage, kind: 'chip-journal' });
  }

  /** Waits for every entry applied so far to be committed (or refused). */
  async close(): Promise<void> {
    await this.#batches.last;
  }

  /** Counts in memory the entries whose ref is not in flight here already; returns those. */
  #hold(entries: readonly ChipEntry[]): ChipEntry[] {
    const fresh: ChipEntry[] = [];
    for (const e of entries) {
      if (this.#inFlight.has(e.ref)) continue;
      const entry = { ...e, address: e.address.toLowerCase() };
      this.#inFlight.set(e.ref, entry);
      this.#pending.set(entry.address, (this.#pending.get(entry.address) ?? 0) + entry.delta);
      fresh.push(entry);
    }
    return fresh;
  }

  /**
   * The committed balance, read after every batch before it; cached if asked (or cached already).
   * Reads asked for while one waits its turn share its query (a burst of joins is one `in (…)`
   * query, not a round trip each), unless an entry was applied since: the read must see it.
   */
  #read(key: string, cache: boolean): Promise<number> {
    let batch = this.#readBatch;
    if (!batch || batch.writes !== this.#writes) {
      const gathered: ReadBatch = { writes: this.#writes, keys: new Set(), cache: new Set(), units: Promise.resolve(new Map()) };
      gathered.units = this.#batches.after(async () => {
        if (this.#readBatch === gathered) this.#readBatch = undefined;
        const committed = await balancesOf(this.database.db, [...gathered.keys]);
        const units = new Map([...gathered.keys].map((k) => [k, committed.get(k) ?? 0]));
        for (const [k, u] of units) if (gathered.cache.has(k) || this.#cached.has(k)) this.#cached.set(k, u);
        return units;
      });
      this.#readBatch = batch = gathered;
    }
    batch.keys.add(key);
    if (cache) batch.cache.add(key);
    return batch.units.then((units) => units.get(key)!);
  }

  /** A turn's plain applies in one transaction, then each `transact` in one of its own, in order. */
  async #write(batch: readonly Apply[]): Promise<void> {
    const plain = batch.filter((a) => !a.work);
    if (plain.length > 0) await this.#commit(plain, (trx) => this.#applyAll(trx, plain));
    for (const a of batch) if (a.work) await this.#commit([a], (trx) => this.#transacted(trx, a.work!));
  }

  async #commit(applies: readonly Apply[], run: (trx: Kysely<Schema>) => Promise<Written>): Promise<void> {
    let result: Written | undefined;
    let failure: unknown;
    try {
      result = await this.database.transaction(run);
    } catch (err) {
      // A transact's refusal (its work's, or NotWithdrawable) reaches its caller as it was thrown.
      failure = applies.some((a) => a.work) ? err : new Error(`could not write chip entries to the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
    }
    for (const a of applies)
      for (const e of a.entries) {
        this.#inFlight.delete(e.ref);
        const left = (this.#pending.get(e.address) ?? 0) - e.delta;
        if (left !== 0) this.#pending.set(e.address, left);
        else this.#pending.delete(e.address);
      }
    if (result) for (const [address, units] of result.balances) if (this.#cached.has(address)) this.#cached.set(address, units);
    applies.forEach((a, i) => {
      const refused = failure ?? result?.verdicts[i];
      if (refused) a.reject(refused);
      else a.resolve(result?.values[i]);
    });
  }

  /** Inside one transaction: each apply all or none; then the balances of every address touched. */
  async #applyAll(trx: Kysely<Schema>, batch: readonly Apply[]): Promise<Written> {
    const touched = new Set<string>();
    const verdicts: (Error | undefined)[] = [];
    for (const a of batch) verdicts.push(await this.#insert(trx, a.entries, touched));
    return { verdicts, values: batch.map(() => undefined), balances: await balancesOf(trx, [...touched]) };
  }

  /** A transact's work and its entries, in its own transaction: a refusal rolls back all of it. */
  async #transacted(trx: Kysely<Schema>, work: Work): Promise<Written> {
    const { entries, value } = await work(trx);
    const touched = new Set<string>();
    const refused = await this.#insert(trx, entries.map((e) => ({ ...e, address: e.address.toLowerCase() })), touched);
    if (refused) throw refused;
    return { verdicts: [undefined], values: [value], balances: await balancesOf(trx, [...touched]) };
  }

  /**
   * Writes one apply's entries (those not in the database already) and their addresses' rows, or
   * nothing and the reason: a balance out of the safe integers, or a cash-out above what may be
   * withdrawn. Adds the addresses to `touched`, whose balances are read back even when every entry
   * was there already (applied again, or the transaction run again after its commit went through
   * unanswered): the cache must count what the database holds, since the entries leave
   * `#pending` either way.
   */
  async #insert(trx: Kysely<Schema>, entries: readonly ChipEntry[], touched: Set<string>): Promise<Error | undefined> {
    const candidates = new Map<string, ChipEntry>();
    for (const e of entries) if (!candidates.has(e.ref)) candidates.set(e.ref, e);
    const addresses = [...new Set(entries.map((e) => e.address))];
    for (const address of addresses) touched.add(address);
    const existing = new Set<string>();
    const refs = [...candidates.keys()];
    for (let i = 0; i < refs.length; i += CHUNK) {
      const rows = await trx.selectFrom('chip_entries').select('ref').where('ref', 'in', refs.slice(i, i + CHUNK)).execute();
      for (const r of rows) existing.add(r.ref);
    }
    const fresh = [...candidates.values()].filter((e) => !existing.has(e.ref));
    if (fresh.length === 0) return undefined;
    // A cash-out reads (and on PostgreSQL locks) its row first: two at once on two processes take turns.
    const cashing = fresh.some((e) => e.reason === 'cashout');
    const before = await standingsOf(trx, addresses, cashing ? this.database.dialect : undefined);
    const after = new Map<string, Standing>();
    for (const e of fresh) {
      const standing = after.get(e.address) ?? before.get(e.address) ?? NO_STANDING;
      if (e.reason === 'cashout') {
        if (e.delta >= 0) return new RangeError(`cash-out entry ${e.ref} must take chips (a negative delta), got ${e.delta}`);
        const withdrawable = withdrawableUnits(standing, this.wagerMultiple);
        if (-e.delta > withdrawable) return new NotWithdrawable(e.address, -e.delta, withdrawable);
      }
      const next = counted(standing, e);
      if (!Number.isSafeInteger(next.balance)) return new RangeError(`entry ${e.ref} would take ${e.address}'s balance out of the safe integers`);
      after.set(e.address, next);
    }
    // Another process may have inserted some of these meanwhile: only what this insert wrote counts.
    const sums = new Map<string, Standing>();
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const inserted = await trx
        .insertInto('chip_entries')
        .values(fresh.slice(i, i + CHUNK).map((e) => ({ ref: e.ref, address: e.address, delta: e.delta, reason: e.reason })))
        .onConflict((oc) => oc.column('ref').doNothing())
        .returning(['address', 'delta', 'reason'])
        .execute();
      for (const r of inserted) sums.set(r.address, counted(sums.get(r.address) ?? NO_STANDING, { delta: Number(r.delta), reason: r.reason }));
    }
    for (const [address, s] of [...sums].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      await trx
        .insertInto('chip_balances')
        .values({ address, units: s.balance, bonus_units: s.bonus, wagered_units: s.wagered, net_deposit_units: s.netDeposit })
        .onConflict((oc) =>
          oc.column('address').doUpdateSet((eb) => ({
            units: eb('chip_balances.units', '+', eb.ref('excluded.units')),
            bonus_units: eb('chip_balances.bonus_units', '+', eb.ref('excluded.bonus_units')),
            wagered_units: eb('chip_balances.wagered_units', '+', eb.ref('excluded.wagered_units')),
            net_deposit_units: eb('chip_balances.net_deposit_units', '+', eb.ref('excluded.net_deposit_units')),
          })),
        )
        .execute();
    }
    return undefined;
  }
}

/**
 * A standing with one more entry counted: every entry moves the balance; a grant is bonus, a
 * stake or a double is wagered (its delta is negative), a refund (a voided bet's stake given
 * back) is wagered no more: a bet never at risk must not count towards the wagering requirement,
 * or unrevealed bets left to be voided would meet it for free. A deposit or a cash-out moves net deposits.
 */
function counted(s: Standing, e: Pick<ChipEntry, 'delta' | 'reason'>): Standing {
  return {
    balance: s.balance + e.delta,
    bonus: s.bonus + (e.reason === 'grant' ? e.delta : 0),
    wagered: s.wagered - (e.reason === 'stake' || e.reason === 'double' || e.reason === 'refund' ? e.delta : 0),
    netDeposit: s.netDeposit + (e.reason === 'deposit' || e.reason === 'cashout' ? e.delta : 0),
  };
}

/** The old chip journals of a data directory: `chips.jsonl`, and each cluster process's `nodes/<id>/chips.jsonl`. */
export function oldChipJournals(dataDir: string): Promise<string[]> {
  return oldJournals(dataDir, 'chips.jsonl');
}
