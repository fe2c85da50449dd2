/**
 * Players' chip balances, kept durably: a journal of entries, each with a unique reference, so
 * applying the same effect twice (a replay after a crash) changes nothing.
 * In-flight bets reserve chips in memory until their stake is journaled.
 *
 * A live room applies each effect once; only settling rooms left open by a crash applies them
 * again. So the references are held in memory only while that happens (from the journals,
 * then dropped), and the ledger's memory is its balances: one number a player.
 * @module
 */
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';
import { Journal } from '../storage/journal.ts';

export interface ChipEntry {
  /** Unique per effect, e.g. `room/draw/stake`; an entry whose ref was applied before is skipped. */
  readonly ref: string;
  readonly address: string;
  readonly delta: number;
  readonly reason: 'grant' | 'stake' | 'payout' | 'refund';
}

const ChipEntrySchema = z.strictObject({
  ref: z.string().min(1),
  address: AddressSchema,
  delta: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  reason: z.enum(['grant', 'stake', 'payout', 'refund']),
});

export const parseChipEntry = (value: unknown): ChipEntry => ChipEntrySchema.parse(value);

export class InsufficientChips extends Error {}

export class ChipLedger {
  readonly #balances = new Map<string, number>();
  readonly #reserved = new Map<string, number>();
  /** References already applied, held while rooms left open are being settled (else undefined). */
  #refs: Set<string> | undefined = new Set<string>();

  private constructor(
    private readonly journal: Journal<ChipEntry>,
    readonly startingChips: number,
  ) {}

  /** Opens the ledger settling: references are held until endSettling(). */
  static async open(path: string, startingChips: number): Promise<ChipLedger> {
    const { journal, entries } = await Journal.open<ChipEntry>(path, parseChipEntry);
    const ledger = new ChipLedger(journal, startingChips);
    for (const e of entries) ledger.#take(e);
    return ledger;
  }

  /**
   * Before settling rooms a crash left open: holds the references of every entry in this
   * ledger's journal and in `otherJournals` (other processes'), so effects applied before are
   * not applied again. Reads the journals whole; endSettling() lets the references go.
   */
  async beginSettling(otherJournals: readonly string[] = []): Promise<void> {
    const refs = new Set<string>();
    for (const path of [this.journal.path, ...otherJournals])
      for (const e of await Journal.read(path, parseChipEntry).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err))))
        refs.add(e.ref);
    for (const ref of this.#refs ?? []) refs.add(ref);
    this.#refs = refs;
  }

  endSettling(): void {
    this.#refs = undefined;
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
      if (this.#refs?.has(e.ref) || seen.has(e.ref)) continue;
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
   * Entries another process of the cluster journaled, each read once from its journal. An
   * effect is journaled by one process only: whoever settles a dead process's rooms first reads
   * every journal's references (beginSettling).
   */
  absorb(entries: readonly ChipEntry[]): void {
    for (const e of entries) this.#take(e);
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  #take(e: ChipEntry): void {
    if (this.#refs?.has(e.ref)) return;
    this.#refs?.add(e.ref);
    const key = e.address.toLowerCase();
    this.#balances.set(key, (this.#balances.get(key) ?? 0) + e.delta);
  }
}
