/**
 * A room's entries, its public records and its private reveals, each checked on reading like any
 * input (a record read back from the database, or a line of a journal of the version before it),
 * and the header a transcript of the room carries.
 * @module
 */
import { z } from 'zod';
import { DrawRecordSchema, recordHash, type HashedRecord } from '../../vrf/protocol/records.ts';
import { TRANSCRIPT_FORMAT, type Transcript } from '../../vrf/protocol/transcript.ts';
import type { FairnessContext } from './context.ts';

/** A seed that matched its commitment: private, kept only to settle the draw after a crash. */
export interface RoomReveal {
  readonly drawSeq: number;
  readonly address: string;
  readonly seed: string;
}

/** A journal line: a public record, or a private reveal. */
export type RoomJournalEntry = { readonly record: HashedRecord } | { readonly reveal: RoomReveal };

const RevealEntrySchema = z.strictObject({
  reveal: z.strictObject({ drawSeq: z.number().int().min(0), address: z.string(), seed: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** Entries are checked like any input: a damaged one fails loudly, not silently. */
export function parseEntry(value: unknown): RoomJournalEntry {
  if (typeof value === 'object' && value !== null && 'record' in value) {
    // The record schemas are strict and the hash is not part of the record: check it apart.
    const { hash, ...bare } = (value as { record: { hash?: unknown } }).record;
    const record = DrawRecordSchema.parse(bare);
    const expected = recordHash(record);
    if (hash !== expected) throw new Error(`record ${record.seq} does not match its hash`);
    return { record: { ...record, hash: expected } };
  }
  return RevealEntrySchema.parse(value);
}

export function transcriptHeader(roomId: string, ctx: FairnessContext): Omit<Transcript, 'records'> {
  return {
    format: TRANSCRIPT_FORMAT,
    roomId,
    suite: ctx.suite.name,
    keyId: ctx.keyId,
    publicKey: ctx.publicKeyHex,
    receiptSigner: ctx.receiptSigner,
  };
}
