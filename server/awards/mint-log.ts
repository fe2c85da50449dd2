/**
 * The minter's log: every mint transaction it signs, recorded (durably) before the transaction
 * is broadcast, and what became of it: confirmed in a block, or void (reverted, its nonce taken
 * by another transaction, or its block lost by the node). From it the minter knows after any
 * crash which awards are minted, which transactions may still be in flight (it re-broadcasts
 * their exact bytes: same hash, so never a second transaction), and which awards were once sent
 * and must be checked on chain before they are sent again.
 *
 * Entries name the contract they mint on; a log answers for one contract, so after a new
 * deployment every award is pending again. The entries are those of the journal of the version
 * before the database (`mints.jsonl`), imported as they are (`import-journals.ts`).
 * @module
 */
import { z } from 'zod';

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
  /** What the transaction cost: the receipt's gasUsed and effective gas price (wei), decimal; absent when not known (found by its events). */
  gasUsed: z.string().regex(/^\d{1,40}$/).optional(),
  gasPrice: z.string().regex(/^\d{1,40}$/).optional(),
});
const VoidedSchema = z.strictObject({ kind: z.literal('voided'), contract: z.string(), hash: Hash, reason: z.string() });
const EntrySchema = z.discriminatedUnion('kind', [SentSchema, ConfirmedSchema, VoidedSchema]);

export type SentTx = z.infer<typeof SentSchema>;
/** A sent transaction as its awards' history: its signed bytes are not needed there. */
export type SettledTx = Omit<SentTx, 'raw'>;
export type Confirmation = z.infer<typeof ConfirmedSchema>;
export type MintEntry = z.infer<typeof EntrySchema>;

export const parseMintEntry = (value: unknown): MintEntry => EntrySchema.parse(value);

/** Where an award was minted. */
export interface Mint {
  readonly hash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
}

export interface MintLog {
  /** The contract this log answers for: a lowercase address. */
  readonly contract: string;
  /**
   * Applies entries of any contract, in order, in one transaction: `sent` once per hash;
   * `confirmed` merges into the transaction's earlier confirmation, its awards minted by it;
   * `voided` settles the transaction, and its awards are not minted by it any more.
   */
  apply(entries: readonly MintEntry[]): Promise<void>;
  /** Durable before it resolves: only then may the transaction be broadcast. */
  recordSent(tx: Omit<SentTx, 'kind' | 'contract'>): Promise<void>;
  recordConfirmed(c: Omit<Confirmation, 'kind' | 'contract'>): Promise<void>;
  /** The transaction will never confirm (or its confirmation was lost with its block). */
  recordVoided(hash: string, reason: string): Promise<void>;
  /** Awards minted, by the confirmations known. */
  mintedCount(): Promise<number>;
  mintOf(awardId: string): Promise<Mint | undefined>;
  /** Those of the awards that are minted, and where. */
  mintsOf(awardIds: readonly string[]): Promise<Map<string, Mint>>;
  /** Those of the awards once in a transaction and not confirmed: check the contract before sending them again. */
  mayBeOnChain(awardIds: readonly string[]): Promise<Set<string>>;
  /** Our transactions that carried the award, newest first: where to look for it on chain. */
  sentWith(awardId: string): Promise<SettledTx[]>;
  /** Transactions awaiting a verdict, lowest nonce first. */
  unresolved(): Promise<SentTx[]>;
  /** The confirmation in the highest block: if the chain still has that block, it has all of them. */
  newestConfirmation(): Promise<Confirmation | undefined>;
  /** Awards minted in blocks from `blockNumber` on, counted by player (lower case): the fair order's counts of an epoch. */
  mintedPerPlayerFrom(blockNumber: number): Promise<Map<string, number>>;
  /** Confirmations, newest block first, read a page at a time, for checking that the node still has those blocks. */
  confirmationsNewestFirst(): AsyncIterable<Confirmation>;
}
