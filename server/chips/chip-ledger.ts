/**
 * Players' chip balances, kept durably: a journal of entries, each with a unique reference, so
 * applying the same effect twice (a retry, a replay after a crash) changes nothing.
 * In-flight bets reserve chips in memory until their stake is journaled.
 * @module
 */
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';
import { Journal } from '../storage/journal.ts';
import { AppliedRefs } from './applied-refs.ts';

export interface ChipEntry {
  /** Unique per effect, e.g. `room/draw/stake`; an entry whose ref was applied before is skipped. */
  readonly ref: string;
  readonly address: string;
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
    readonly startingChips: number,
  ) {}

  static async open(path: string, startingChips: number): Promise<ChipLedger> {
    const { journal, entries } = await Journal.open<ChipEntry>(path, parseChipEntry);
    const ledger = new ChipLedger(journal, startingChips);
    for (const e of entries) ledger.#take(e);
    return ledger;
  }

  /** Balance, including the starting allowance of a player never seen before. */
  balance(address: string): number {
    return this.#balances.get(address.toLowerCase()) ?? this.startingChips;
  }

  /** Balance less the chips held by bets not yet staked. */
  available(address: string): number {
    return this.balance(address) - (this.#reserved.get(address.toLowerCase()) ?? 0);
  }

  reserve(address: string, amount: number): void {
    if (amount > this.available(address))
      throw new InsufficientChips(`bet of ${amount} exceeds the available balance of ${this.available(address)}`);
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
        fresh.push({ ref: `grant/${key}`, address: e.address, delta: this.startingChips, reason: 'grant' });
      fresh.push(e);
      seen.add(e.ref);
    }
    if (fresh.length === 0) return;
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

  #take(e: ChipEntry): void {
    if (this.#refs.has(e.ref)) return;
    this.#refs.add(e.ref);
    const key = e.address.toLowerCase();
    this.#balances.set(key, (this.#balances.get(key) ?? 0) + e.delta);
  }
}
