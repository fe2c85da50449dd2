/**
 * Draw records and the room's hash chain (FAIRNESS.md section 4). A draw leaves a receipt
 * (signed before any seed is revealed), the moves its player made if the game has play after
 * the draw, and then an outcome, or a void if the players never revealed; a finished room ends
 * with a signed close record. Records are numbered consecutively; each holds the previous
 * record's hash.
 * @module
 */
import { z } from 'zod';
import { jsonHash, type JsonValue } from './encoding.ts';

export const GENESIS_HASH = '0'.repeat(64);

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes of lowercase hex`);
/** An Ethereum address as records and messages carry it: 0x and 40 hex digits, any case. */
export const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an 0x address (40 hex digits)');
const address = AddressSchema;
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const jsonObject = z.record(z.string(), z.json());
const evenHex = (what: string) => z.string().regex(/^(?:[0-9a-f]{2})+$/, `${what}: lowercase hex, whole bytes`);

const signature65 = z.string().regex(/^0x[0-9a-f]{130}$/, '65-byte signature');
/** A player's authorisation of a draw (protocol v2, FAIRNESS.md section 5a). */
export const AuthorizationSchema = z.strictObject({
  signature: signature65,
  delegation: z.strictObject({ message: z.string().min(1).max(4096), signature: signature65 }).optional(),
});

const base = { seq, prev: hex(32), roomId: z.string().min(1).max(128), drawSeq: seq };

export const ReceiptRecordSchema = z.strictObject({
  ...base,
  type: z.literal('receipt'),
  game: z.string().min(1).max(32),
  kind: z.string().min(1).max(32),
  action: jsonObject,
  players: z.array(address).min(1).max(64),
  commitments: z.array(hex(32)).min(1).max(64),
  suite: z.string(),
  keyId: hex(8),
  issuedAt: seq,
  signature: signature65,
  /** v2: one per player, in `players` order. Absent in v1 transcripts. */
  authorizations: z.array(AuthorizationSchema).min(1).max(64).optional(),
  /** v2: SHA-256 of the game's rules document (FAIRNESS.md section 8), which the draw is played under. */
  rulesHash: hex(32).optional(),
  /** v2, court terms (FAIRNESS.md section 5c): until when, in ms since 1970, the player may take this receipt to the reveal court. */
  revealDeadline: seq.optional(),
  /** v2, court terms: the most this draw can pay, stake included, in whole coins (rounded down): what an unanswered court case pays. */
  maxPayout: seq.optional(),
})
  .refine((r) => r.commitments.length === r.players.length, 'one commitment per player')
  .refine((r) => (r.revealDeadline === undefined) === (r.maxPayout === undefined), 'revealDeadline and maxPayout come together')
  .refine((r) => r.authorizations === undefined || r.authorizations.length === r.players.length, 'one authorization per player')
  .refine((r) => new Set(r.players.map((p) => p.toLowerCase())).size === r.players.length, 'players must be distinct');

export const OutcomeRecordSchema = z.strictObject({
  ...base,
  type: z.literal('outcome'),
  receiptSeq: seq,
  seeds: z.array(hex(32)).min(1).max(64),
  alpha: evenHex('alpha'),
  pi: evenHex('pi'),
  beta: evenHex('beta'),
  result: jsonObject,
  /** v2: the operator's seal (FAIRNESS.md section 5b). */
  signature: signature65.optional(),
});

export const VoidRecordSchema = z.strictObject({
  ...base,
  type: z.literal('void'),
  receiptSeq: seq,
  /** v2: one of VOID_REASONS; v1: free text. */
  reason: z.string().max(200),
  /** v2: the places in the receipt's `players` of those whose seeds never came, ascending. */
  missing: z.array(z.number().int().min(0).max(63)).min(1).max(64).optional(),
  /** v2: the operator's seal. */
  signature: signature65.optional(),
});

/** Why a v2 draw was voided: its reveal clock ran out, its room closed, or the server restarted, each before every seed came. */
export const VOID_REASONS = ['reveal-timeout', 'room-closed', 'server-restart'] as const;
export type VoidReason = (typeof VOID_REASONS)[number];

/**
 * A player's move on a draw whose outcome depends on play after the draw (a blackjack hit, say):
 * recorded after the draw's receipt and before its outcome, in the order played. The outcome's
 * result is the mapping's over beta, the action and these moves.
 */
export const MoveRecordSchema = z.strictObject({
  ...base,
  type: z.literal('move'),
  receiptSeq: seq,
  player: address,
  move: z.string().min(1).max(32),
  /** v2: the player's signature of this move (a `DrawMove`, FAIRNESS.md section 5a). */
  authorization: AuthorizationSchema.optional(),
  /** v2: the operator's seal. */
  signature: signature65.optional(),
});

/** The last record of a finished room, signed: nothing may follow it, and no draw may be open. */
export const CloseRecordSchema = z.strictObject({
  ...base, // drawSeq here is the number of draws the room had: the next one that never came
  type: z.literal('close'),
  closedAt: seq,
  /** v1: the operator's `RoomClose` signature; v2: its seal. */
  signature: signature65,
});

export const DrawRecordSchema = z.discriminatedUnion('type', [ReceiptRecordSchema, OutcomeRecordSchema, VoidRecordSchema, MoveRecordSchema, CloseRecordSchema]);

export type ReceiptRecord = z.infer<typeof ReceiptRecordSchema>;
export type OutcomeRecord = z.infer<typeof OutcomeRecordSchema>;
export type VoidRecord = z.infer<typeof VoidRecordSchema>;
export type MoveRecord = z.infer<typeof MoveRecordSchema>;
export type CloseRecord = z.infer<typeof CloseRecordSchema>;
export type DrawRecord = z.infer<typeof DrawRecordSchema>;

/** A record as published: the record plus its hash. */
export type HashedRecord = DrawRecord & { readonly hash: string };

/** SHA-256 of the record's canonical JSON (without any `hash` field), hex. */
export function recordHash(record: DrawRecord): string {
  const { hash: _ignored, ...rest } = record as DrawRecord & { hash?: string };
  return jsonHash(rest as unknown as JsonValue);
}
