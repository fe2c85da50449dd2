/**
 * alpha, the VRF input of a draw (FAIRNESS.md section 3): a versioned, length-prefixed encoding
 * of everything that fixes the draw. No field is free for the server: the sequence number is
 * strictly consecutive, the previous record hash pins the room's history, and the seeds are fresh
 * player entropy the server first sees after it has signed the receipt.
 * @module
 */
import { canonicalJson, concatBytes, field, hexBytes, u64, utf8ToBytes, type JsonValue } from './encoding.ts';
import type { ReceiptRecord } from './records.ts';

export const PROTOCOL_TAG = 'fairplay-alpha';
export const PROTOCOL_VERSION = 1;

/** A player taking part in a draw, with the seed they revealed (32 bytes, hex). */
export interface Participant {
  readonly address: string;
  readonly seed: string;
}

export interface AlphaInput {
  readonly suite: string;
  readonly keyId: string;
  readonly roomId: string;
  readonly drawSeq: number;
  readonly game: string;
  readonly kind: string;
  readonly action: JsonValue;
  readonly participants: readonly Participant[];
  /** Hash of the record just before the draw's receipt record (64 zero digits for the first). */
  readonly prevHash: string;
}

/** Participants in alpha order: by address bytes, ascending (lowercase hex order is byte order). */
export function sortParticipants<T extends { address: string }>(ps: readonly T[]): T[] {
  const key = (p: T) => p.address.toLowerCase();
  return [...ps].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function encodeAlpha(input: AlphaInput): Uint8Array {
  const seeds = sortParticipants(input.participants).map((p) =>
    concatBytes(hexBytes(p.address, 20, 'participant address'), hexBytes(p.seed, 32, 'seed')),
  );
  return concatBytes(
    field(utf8ToBytes(PROTOCOL_TAG)),
    field(Uint8Array.of(PROTOCOL_VERSION)),
    field(utf8ToBytes(input.suite)),
    field(hexBytes(input.keyId, 8, 'keyId')),
    field(utf8ToBytes(input.roomId)),
    field(u64(input.drawSeq)),
    field(utf8ToBytes(input.game)),
    field(utf8ToBytes(input.kind)),
    field(utf8ToBytes(canonicalJson(input.action))),
    field(concatBytes(...seeds)),
    field(hexBytes(input.prevHash, 32, 'prevHash')),
  );
}

/** alpha of a receipted draw, given its players' seeds in the receipt's player order. */
export function receiptAlpha(receipt: ReceiptRecord, seeds: readonly string[]): Uint8Array {
  if (seeds.length !== receipt.players.length) throw new RangeError('one seed per player is needed');
  return encodeAlpha({
    suite: receipt.suite,
    keyId: receipt.keyId,
    roomId: receipt.roomId,
    drawSeq: receipt.drawSeq,
    game: receipt.game,
    kind: receipt.kind,
    action: receipt.action,
    participants: receipt.players.map((address, i) => ({ address, seed: seeds[i]! })),
    prevHash: receipt.prev,
  });
}
