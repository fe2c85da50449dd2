/**
 * The draw receipt (FAIRNESS.md section 5): EIP-712 typed data signed by the server's operator
 * key before any seed of the draw is revealed. A receipt with no outcome later in the chain is
 * the server's signed promise broken: provable misconduct.
 * @module
 */
import { verifyTypedData, type TypedDataField } from 'ethers';
import { canonicalJson } from './encoding.ts';
import type { ReceiptRecord } from './records.ts';

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

/** The address that signed a receipt record (throws on a malformed signature). */
export function receiptSigner(r: ReceiptRecord): string {
  return verifyTypedData(RECEIPT_DOMAIN, RECEIPT_TYPES, receiptMessage(r), r.signature);
}
