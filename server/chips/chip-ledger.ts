/**
 * Players' chip balances, kept durably: a journal of entries, each with a unique reference, so
 * applying the same effect twice (a retry, a replay after a crash) changes nothing.
 * In-flight bets reserve chips in memory until their stake is journaled.
 *
 * Every amount here (balances, reservations, entries' deltas, the starting allowance) is an
 * integer count of units, `UNITS_PER_CHIP` to the chip (`games/chips.ts`), and stays a safe
 * integer: an entry that would take a balance past one is refused before it is journaled.
 * @module
 */
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';
import { Journal } from '../storage/journal.ts';
import { formatChips } from '../../games/chips.ts';
import { AppliedRefs } from './applied-refs.ts';

export interface ChipEntry {
  /** Unique per effect, e.g. `room/draw/stake`; an entry whose ref was applied before is skipped. */
  readonly ref: string;
  readonly address: string;
  /** In units. */
  readonly delta: number;
  readonly reason: 'grant' | 'stake' | 'double' | 'payout' | 'refund';
}

const ChipEntrySchema = z.strictObject({
  ref: z.string().min(1),
  address: AddressSchema,
  delta: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  reason: z.enum(['grant', 'stake', 'double', 'payout', 'refund']),
});

export const parseChipEntry = (value: unknown): ChipEntry => ChipEntrySchema.parse(value);

export class InsufficientChips extends Error {}

export class ChipLedger {
  readonly #balances = new Map<string, number>();
  readonly #reserved = new Map<string, number>();
  readonly #refs = new AppliedRefs();

  private constructor(
    private readonly journal: Journal<ChipEntry>,
    /** Units credited to an address the first time it is seen. */
    readonly startingUnits: number,
  ) {}

  static async open(path: string, startingUnits: number): Promise<ChipLedger> {
    if (!Number.isSafeInteger(startingUnits) || startingUnits < 0) throw new RangeError(`the starting allowance must be a safe integer of units, got ${startingUnits}`);
    const { journal, entries } = await Journal.open<ChipEntry>(path, parseChipEntry);
    const ledger = new ChipLedger(journal, startingUnits);
    for (const e of entries) ledger.#take(e);
    return ledger;
  }

  /** Balance in units, including the starting allowance of a player never seen before. */
  balance(address: string): number {
    return this.#balances.get(address.toLowerCase()) ?? this.startingUnits;
  }

  /** Balance less the units held by bets not yet staked. */
  available(address: string): number {
    return this.balance(address) - (this.#reserved.get(address.toLowerCase()) ?? 0);
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

  /** Journals the entries not applied before (and a first-seen player's grant); then applies them. */
  async apply(entries: readonly ChipEntry[]): Promise<void> {
    const fresh: ChipEntry[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      if (this.#refs.has(e.ref) || seen.has(e.ref)) continue;
      const key = e.address.toLowerCase();
      if (!this.#balances.has(key) && !fresh.some((f) => f.address.toLowerCase() === key))
        fresh.push({ ref: `grant/${key}`, address: e.address, delta: this.startingUnits, reason: 'grant' });
      fresh.push(e);
      seen.add(e.ref);
    }
    if (fresh.length === 0) return;
    this.#checkSafe(fresh);
    for (const e of fresh) this.#take(e);
    await this.journal.appendMany(fresh);
  }

  /**
   * Entries another process of the cluster journaled. Refs make merging idempotent: an effect
   * both processes applied (say, a refund by a survivor and by the restarted owner) counts once.
   */
  absorb(entries: readonly ChipEntry[]): void {
    for (const e of entries) this.#take(e);
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** Throws, changing nothing, if these entries would take a balance out of the safe integers. */
  #checkSafe(entries: readonly ChipEntry[]): void {
    const after = new Map<string, number>();
    for (const e of entries) {
      const key = e.address.toLowerCase();
      const balance = (after.get(key) ?? this.#balances.get(key) ?? 0) + e.delta;
      if (!Number.isSafeInteger(balance)) throw new RangeError(`entry ${e.ref} would take ${e.address}'s balance out of the safe integers`);
      after.set(key, balance);
    }
  }

  #take(e: ChipEntry): void {
    if (this.#refs.has(e.ref)) return;
    this.#refs.add(e.ref);
    const key = e.address.toLowerCase();
    this.#balances.set(key, (this.#balances.get(key) ?? 0) + e.delta);
  }
}
