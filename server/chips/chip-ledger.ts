/**
 * Players' chip balances, kept in the database (`server/db/`): a row per effect in `chip_entries`,
 * whose primary key `ref` makes applying the same effect twice (a retry, recovery re-applying a
 * room's records, a survivor and the restarted owner both settling a room) change nothing, and a
 * row per address in `chip_balances`, updated in the same transaction as the entries it counts.
 * A first-seen address gets its `grant/<address>` entry (the starting allowance) in that
 * transaction too. The entries applied in one event-loop turn share one transaction.
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
import type { Database } from '../db/database.ts';
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

/** Addresses (or refs) asked about in one query. */
const CHUNK = 500;

/** Balances read in one query: the addresses asked for, those to cache, and the answer. */
interface ReadBatch {
  readonly writes: number;
  readonly keys: Set<string>;
  readonly cache: Set<string>;
  units: Promise<Map<string, number>>;
}

interface Apply {
  readonly entries: readonly ChipEntry[];
  resolve(): void;
  reject(err: unknown): void;
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
    /** Units credited to an address the first time it is seen. */
    readonly startingUnits: number,
  ) {}

  static async open(database: Database, startingUnits: number): Promise<ChipLedger> {
    if (!Number.isSafeInteger(startingUnits) || startingUnits < 0) throw new RangeError(`the starting allowance must be a safe integer of units, got ${startingUnits}`);
    return new ChipLedger(database, startingUnits);
  }

  /** Balance in units (cached, plus entries in flight), including the starting allowance of a player never seen before. */
  balance(address: string): number {
    const key = address.toLowerCase();
    return (this.#cached.get(key) ?? this.startingUnits) + (this.#pending.get(key) ?? 0);
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
   * they are committed with a first-seen player's grant, or rejects (counting none of them) if
   * they would take a balance out of the safe integers or the database failed.
   */
  apply(entries: readonly ChipEntry[]): Promise<void> {
    const fresh: ChipEntry[] = [];
    for (const e of entries) {
      if (this.#inFlight.has(e.ref)) continue;
      const entry = { ...e, address: e.address.toLowerCase() };
      this.#inFlight.set(e.ref, entry);
      this.#pending.set(entry.address, (this.#pending.get(entry.address) ?? 0) + entry.delta);
      fresh.push(entry);
    }
    if (fresh.length === 0) return Promise.resolve();
    this.#writes++;
    return new Promise((resolve, reject) => void this.#batches.add({ entries: fresh, resolve, reject }));
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
        const units = new Map([...gathered.keys].map((k) => [k, committed.get(k) ?? this.startingUnits]));
        for (const [k, u] of units) if (gathered.cache.has(k) || this.#cached.has(k)) this.#cached.set(k, u);
        return units;
      });
      this.#readBatch = batch = gathered;
    }
    batch.keys.add(key);
    if (cache) batch.cache.add(key);
    return batch.units.then((units) => units.get(key)!);
  }

  async #write(batch: readonly Apply[]): Promise<void> {
    let result: { verdicts: (Error | undefined)[]; balances: Map<string, number> } | undefined;
    let failure: unknown;
    try {
      result = await this.database.transaction((trx) => this.#applyAll(trx, batch));
    } catch (err) {
      failure = new Error(`could not write chip entries to the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
    }
    for (const a of batch)
      for (const e of a.entries) {
        this.#inFlight.delete(e.ref);
        const left = (this.#pending.get(e.address) ?? 0) - e.delta;
        if (left !== 0) this.#pending.set(e.address, left);
        else this.#pending.delete(e.address);
      }
    if (result) for (const [address, units] of result.balances) if (this.#cached.has(address)) this.#cached.set(address, units);
    batch.forEach((a, i) => {
      const refused = failure ?? result?.verdicts[i];
      if (refused) a.reject(refused);
      else a.resolve();
    });
  }

  /** Inside one transaction: each apply all or none; then the balances of every address touched. */
  async #applyAll(trx: Kysely<Schema>, batch: readonly Apply[]): Promise<{ verdicts: (Error | undefined)[]; balances: Map<string, number> }> {
    const verdicts: (Error | undefined)[] = [];
    const touched = new Set<string>();
    for (const a of batch) {
      // The apply's entries, then a grant for each of its addresses (kept only if first seen).
      const candidates = new Map<string, ChipEntry>();
      for (const e of a.entries) if (!candidates.has(e.ref)) candidates.set(e.ref, e);
      const addresses = [...new Set(a.entries.map((e) => e.address))];
      for (const address of addresses) {
        const ref = `grant/${address}`;
        if (!candidates.has(ref)) candidates.set(ref, { ref, address, delta: this.startingUnits, reason: 'grant' });
      }
      const existing = new Set<string>();
      const refs = [...candidates.keys()];
      for (let i = 0; i < refs.length; i += CHUNK) {
        const rows = await trx.selectFrom('chip_entries').select('ref').where('ref', 'in', refs.slice(i, i + CHUNK)).execute();
        for (const r of rows) existing.add(r.ref);
      }
      const fresh = [...candidates.values()].filter((e) => !existing.has(e.ref));
      // Their balances are read back even when every entry was there already (applied again, or
      // this transaction run again after its commit went through unanswered): the cache must
      // count what the database holds, since the entries leave `#pending` either way.
      for (const address of addresses) touched.add(address);
      if (fresh.length === 0) {
        verdicts.push(undefined);
        continue;
      }
      const before = await balancesOf(trx, addresses);
      const after = new Map<string, number>();
      let refused: Error | undefined;
      for (const e of fresh) {
        const balance = (after.get(e.address) ?? before.get(e.address) ?? 0) + e.delta;
        if (!Number.isSafeInteger(balance)) {
          refused = new RangeError(`entry ${e.ref} would take ${e.address}'s balance out of the safe integers`);
          break;
        }
        after.set(e.address, balance);
      }
      verdicts.push(refused);
      if (refused) continue;
      // Another process may have inserted some of these meanwhile: only what this insert wrote counts.
      const sums = new Map<string, number>();
      for (let i = 0; i < fresh.length; i += CHUNK) {
        const inserted = await trx
          .insertInto('chip_entries')
          .values(fresh.slice(i, i + CHUNK).map((e) => ({ ref: e.ref, address: e.address, delta: e.delta, reason: e.reason })))
          .onConflict((oc) => oc.column('ref').doNothing())
          .returning(['address', 'delta'])
          .execute();
        for (const r of inserted) sums.set(r.address, (sums.get(r.address) ?? 0) + Number(r.delta));
      }
      for (const [address, units] of [...sums].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
        await trx
          .insertInto('chip_balances')
          .values({ address, units })
          .onConflict((oc) => oc.column('address').doUpdateSet((eb) => ({ units: eb('chip_balances.units', '+', eb.ref('excluded.units')) })))
          .execute();
        touched.add(address);
      }
    }
    return { verdicts, balances: await balancesOf(trx, [...touched]) };
  }
}

async function balancesOf(trx: Kysely<Schema>, addresses: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < addresses.length; i += CHUNK) {
    const rows = await trx.selectFrom('chip_balances').select(['address', 'units']).where('address', 'in', addresses.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.address, Number(r.units));
  }
  return out;
}

/** The old chip journals of a data directory: `chips.jsonl`, and each cluster process's `nodes/<id>/chips.jsonl`. */
export function oldChipJournals(dataDir: string): Promise<string[]> {
  return oldJournals(dataDir, 'chips.jsonl');
}
