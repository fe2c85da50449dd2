/**
 * The minter's journal: every mint transaction it signs, written (fsync'd) before the
 * transaction is broadcast, and what became of it: confirmed in a block, or void (reverted,
 * its nonce taken by another transaction, or its block lost by the node). From it the minter
 * knows after any crash which awards are minted, which transactions may still be in flight
 * (it re-broadcasts their exact bytes: same hash, so never a second transaction), and which
 * awards were once sent and must be checked on chain before they are sent again.
 *
 * Entries name the contract they mint on; entries for another contract (a new deployment) are
 * kept on disk but ignored, so every award is pending again on the new contract.
 * @module
 */
import { z } from 'zod';
import { Journal } from '../storage/journal.ts';
import { JournalFollower } from '../storage/journal-follower.ts';

const Hash = z.string().regex(/^0x[0-9a-f]{64}$/);
const AwardId = z.string().regex(/^[0-9a-f]{64}$/);

const SentSchema = z.strictObject({
  kind: z.literal('sent'),
  contract: z.string(),
  hash: Hash,
  nonce: z.number().int().min(0),
  /** The signed transaction, re-broadcast as is after a restart. */
  raw: z.string().regex(/^0x[0-9a-f]+$/),
  awardIds: z.array(AwardId).min(1),
});
const ConfirmedSchema = z.strictObject({
  kind: z.literal('confirmed'),
  contract: z.string(),
  hash: Hash,
  blockNumber: z.number().int().min(0),
  blockHash: Hash,
  awardIds: z.array(AwardId).min(1),
});
const VoidedSchema = z.strictObject({ kind: z.literal('voided'), contract: z.string(), hash: Hash, reason: z.string() });
const EntrySchema = z.discriminatedUnion('kind', [SentSchema, ConfirmedSchema, VoidedSchema]);

export type SentTx = z.infer<typeof SentSchema>;
/** A sent transaction with a verdict: its signed bytes are never sent again, so not kept. */
export type SettledTx = Omit<SentTx, 'raw'>;
export type Confirmation = z.infer<typeof ConfirmedSchema>;
type Entry = z.infer<typeof EntrySchema>;

export class MintLog {
  readonly #sent = new Map<string, SentTx | SettledTx>();
  /** Sent transactions with neither a confirmation nor a void. */
  readonly #unresolved = new Set<string>();
  readonly #confirmations = new Map<string, Confirmation>();
  readonly #mintedBy = new Map<string, Confirmation>();
  /** Awards that were in some transaction: the chain may hold them even if no confirmation says so. */
  readonly #everSent = new Set<string>();
  #newest: Confirmation | undefined;
  #follower: JournalFollower<Entry> | undefined;

  private constructor(
    private readonly journal: Journal<Entry> | undefined,
    readonly contract: string,
  ) {}

  /**
   * A read-only view of the log while another process of the cluster mints: `catchUp()` reads
   * what it has written since, so this process can tell players which awards are minted.
   */
  static follow(path: string, contract: string): MintLog {
    const log = new MintLog(undefined, contract.toLowerCase());
    log.#follower = new JournalFollower<Entry>(path, (v) => EntrySchema.parse(v));
    return log;
  }

  async catchUp(): Promise<void> {
    for (const e of (await this.#follower?.poll()) ?? []) if (e.contract === this.contract) this.#apply(e);
  }

  /** Opens the log of mints on `contract` (address, any case). */
  static async open(path: string, contract: string): Promise<MintLog> {
    const { journal, entries } = await Journal.open<Entry>(path, (v) => EntrySchema.parse(v));
    const log = new MintLog(journal, contract.toLowerCase());
    for (const e of entries) if (e.contract === log.contract) log.#apply(e);
    return log;
  }

  #apply(e: Entry): void {
    switch (e.kind) {
      case 'sent':
        this.#sent.set(e.hash, e);
        this.#unresolved.add(e.hash);
        for (const id of e.awardIds) this.#everSent.add(id);
        break;
      case 'confirmed': {
        this.#settle(e.hash);
        // Awards of one transaction may be confirmed in several entries (found one by one).
        const earlier = this.#confirmations.get(e.hash);
        const merged = earlier ? { ...e, awardIds: [...new Set([...earlier.awardIds, ...e.awardIds])] } : e;
        this.#confirmations.set(e.hash, merged);
        if (!this.#newest || merged.blockNumber >= this.#newest.blockNumber) this.#newest = merged;
        for (const id of merged.awardIds) {
          this.#mintedBy.set(id, merged);
          this.#everSent.add(id);
        }
        break;
      }
      case 'voided': {
        this.#settle(e.hash);
        const confirmed = this.#confirmations.get(e.hash);
        this.#confirmations.delete(e.hash);
        for (const id of confirmed?.awardIds ?? []) if (this.#mintedBy.get(id)?.hash === e.hash) this.#mintedBy.delete(id);
        if (this.#newest?.hash === e.hash) {
          // Rare (the chain lost blocks): find the next newest.
          this.#newest = undefined;
          for (const c of this.#confirmations.values()) if (!this.#newest || c.blockNumber > this.#newest.blockNumber) this.#newest = c;
        }
        break;
      }
    }
  }

  #settle(hash: string): void {
    this.#unresolved.delete(hash);
    const tx = this.#sent.get(hash);
    if (tx && 'raw' in tx) {
      const { raw: _raw, ...settled } = tx;
      this.#sent.set(hash, settled);
    }
  }

  async #append(e: Entry): Promise<void> {
    if (!this.journal) throw new Error('this mint log is a read-only view: another process mints');
    await this.journal.append(e);
    this.#apply(e);
  }

  /** Durable before it resolves: only then may the transaction be broadcast. */
  recordSent(tx: Omit<SentTx, 'kind' | 'contract'>): Promise<void> {
    return this.#append({ kind: 'sent', contract: this.contract, ...tx });
  }

  recordConfirmed(c: Omit<Confirmation, 'kind' | 'contract'>): Promise<void> {
    return this.#append({ kind: 'confirmed', contract: this.contract, ...c });
  }

  /** The transaction will never confirm (or its confirmation was lost with its block). */
  recordVoided(hash: string, reason: string): Promise<void> {
    return this.#append({ kind: 'voided', contract: this.contract, hash, reason });
  }

  /** Awards minted, by the confirmations known. */
  get mintedCount(): number {
    return this.#mintedBy.size;
  }

  mintOf(awardId: string): Confirmation | undefined {
    return this.#mintedBy.get(awardId);
  }

  /** Once in a transaction, not confirmed: check the contract before sending it again. */
  mayBeOnChain(awardId: string): boolean {
    return this.#everSent.has(awardId) && !this.#mintedBy.has(awardId);
  }

  /** Our transactions that carried the award, newest first: where to look for it on chain. */
  sentWith(awardId: string): SettledTx[] {
    return [...this.#sent.values()].filter((tx) => tx.awardIds.includes(awardId)).reverse();
  }

  /** Transactions awaiting a verdict, lowest nonce first. */
  unresolved(): SentTx[] {
    return [...this.#unresolved].map((h) => this.#sent.get(h) as SentTx).sort((a, b) => a.nonce - b.nonce);
  }

  /** The confirmation in the highest block: if the chain still has that block, it has all of them. */
  newestConfirmation(): Confirmation | undefined {
    return this.#newest;
  }

  /** Confirmations, newest block first, for checking that the node still has those blocks. */
  confirmationsNewestFirst(): Confirmation[] {
    return [...this.#confirmations.values()].sort((a, b) => b.blockNumber - a.blockNumber);
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }
}
