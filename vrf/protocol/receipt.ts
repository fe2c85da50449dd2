/**
 * The draw receipt (FAIRNESS.md section 5): EIP-712 typed data signed by the server's operator
 * key before any seed of the draw is revealed. A receipt with no outcome later in the chain is
 * the server's signed promise broken: provable misconduct.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { TypedDataEncoder, verifyTypedData, type TypedDataField } from 'ethers';
import { canonicalJson, concatBytes, hexBytes, hexToBytes, utf8ToBytes } from './encoding.ts';
import type { CloseRecord, ReceiptRecord } from './records.ts';

export const RECEIPT_DOMAIN = { name: 'Fairplay', version: '1' } as const;

export const RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  DrawReceipt: [
    { name: 'roomId', type: 'string' },
    { name: 'drawSeq', type: 'uint64' },
    { name: 'recordSeq', type: 'uint64' },
    { name: 'prevHash', type: 'bytes32' },
    { name: 'game', type: 'string' },
    { name: 'kind', type: 'string' },
    { name: 'action', type: 'string' },
    { name: 'players', type: 'address[]' },
    { name: 'commitments', type: 'bytes32[]' },
    { name: 'suite', type: 'string' },
    { name: 'keyId', type: 'string' },
    { name: 'issuedAt', type: 'uint64' },
  ],
};

/** The close record's typed data: signed once, when a room is filed as finished. */
export const CLOSE_TYPES: Record<string, TypedDataField[]> = {
  RoomClose: [
    { name: 'roomId', type: 'string' },
    { name: 'recordSeq', type: 'uint64' },
    { name: 'prevHash', type: 'bytes32' },
    { name: 'draws', type: 'uint64' },
    { name: 'closedAt', type: 'uint64' },
  ],
};

export type UnsignedClose = Omit<CloseRecord, 'signature'>;

export function closeMessage(r: UnsignedClose): Record<string, unknown> {
  return { roomId: r.roomId, recordSeq: r.seq, prevHash: '0x' + r.prev, draws: r.drawSeq, closedAt: r.closedAt };
}

/** EIP-712 digest of a close record (hex with 0x). */
export function closeDigest(r: UnsignedClose): string {
  return TypedDataEncoder.hash(RECEIPT_DOMAIN, CLOSE_TYPES, closeMessage(r));
}

/** The address that signed a close record (throws on a malformed signature). */
export function closeSigner(r: CloseRecord): string {
  return verifyTypedData(RECEIPT_DOMAIN, CLOSE_TYPES, closeMessage(r), r.signature);
}

/** The receipt record without its signature: what the operator signs. */
export type UnsignedReceipt = Omit<ReceiptRecord, 'signature'>;

/** The EIP-712 message of a receipt record (action as canonical JSON, hashes as 0x bytes32). */
export function receiptMessage(r: UnsignedReceipt): Record<string, unknown> {
  return {
    roomId: r.roomId,
    drawSeq: r.drawSeq,
    recordSeq: r.seq,
    prevHash: '0x' + r.prev,
    game: r.game,
    kind: r.kind,
    action: canonicalJson(r.action),
    players: r.players,
    commitments: r.commitments.map((c) => '0x' + c),
    suite: r.suite,
    keyId: r.keyId,
    issuedAt: r.issuedAt,
  };
}

// The EIP-712 digest of this one struct, encoded directly: ethers' generic encoder costs about
// 0.5 ms a receipt, on the room's event loop, for every draw. A test checks both agree.
const DOMAIN_SEPARATOR = hexToBytes(TypedDataEncoder.hashDomain(RECEIPT_DOMAIN).slice(2));
const TYPE_HASH = keccak_256(utf8ToBytes(TypedDataEncoder.from(RECEIPT_TYPES).encodeType('DrawReceipt')));
const word = (n: number): Uint8Array => {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setBigUint64(24, BigInt(n));
  return out;
};
const text = (s: string): Uint8Array => keccak_256(utf8ToBytes(s));

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(DrawReceipt)): what the operator signs. */
export function receiptDigest(r: UnsignedReceipt): Uint8Array {
  const players = concatBytes(...r.players.map((a) => concatBytes(new Uint8Array(12), hexBytes(a, 20, 'player address'))));
  const commitments = concatBytes(...r.commitments.map((c) => hexBytes(c, 32, 'commitment')));
  const struct = keccak_256(
    concatBytes(
      TYPE_HASH,
      text(r.roomId),
      word(r.drawSeq),
      word(r.seq),
      hexBytes(r.prev, 32, 'prev'),
      text(r.game),
      text(r.kind),
      text(canonicalJson(r.action)),
      keccak_256(players),
      keccak_256(commitments),
      text(r.suite),
      text(r.keyId),
      word(r.issuedAt),
    ),
  );
  return keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), DOMAIN_SEPARATOR, struct));
}

/** The address that signed a receipt record (throws on a malformed signature). */
export function receiptSigner(r: ReceiptRecord): string {
  return verifyTypedData(RECEIPT_DOMAIN, RECEIPT_TYPES, receiptMessage(r), r.signature);
}
