/**
 * The operator's signatures (FAIRNESS.md sections 5 and 5b). A receipt is EIP-712 `DrawReceipt`
 * typed data, signed before any seed of the draw is revealed: a receipt with no outcome later in
 * the chain is the server's signed promise broken. In protocol v2 every other record the server
 * writes (outcome, move, void, close) carries a seal: the operator's EIP-712 `RecordSeal` of the
 * record's body, so no one without the operator key can rewrite a transcript's tail.
 *
 * v1 (domain version 1): receipts without `rulesHash`, and `RoomClose` for closes; nothing else
 * was signed. v2 (domain version 2): receipts with `rulesHash`, and seals. A v2 receipt with the
 * court terms (`revealDeadline`, `maxPayout`, FAIRNESS.md section 5c) is signed as the longer
 * struct that the reveal court rebuilds on chain; which struct is chosen by the fields present,
 * so every receipt written before still verifies.
 * @module
 */
import { canonicalJson, jsonHash, type JsonValue } from './encoding.ts';
import { defineStruct, recoverSigner, type StructValue } from './eip712.ts';
import type { CloseRecord, DrawRecord, ReceiptRecord } from './records.ts';

/** The EIP-712 domain of protocol v1's receipts and closes. */
export const RECEIPT_DOMAIN = { name: 'Fairplay', version: '1' } as const;
/** The EIP-712 domain of everything signed in protocol v2: receipts, seals, draw requests and moves. */
export const DOMAIN_V2 = { name: 'Fairplay', version: '2' } as const;

const RECEIPT_FIELDS = [
  ['roomId', 'string'],
  ['drawSeq', 'uint64'],
  ['recordSeq', 'uint64'],
  ['prevHash', 'bytes32'],
  ['game', 'string'],
  ['kind', 'string'],
  ['action', 'string'],
  ['players', 'address[]'],
  ['commitments', 'bytes32[]'],
  ['suite', 'string'],
  ['keyId', 'string'],
  ['issuedAt', 'uint64'],
] as const;

export const DRAW_RECEIPT_V1 = defineStruct(RECEIPT_DOMAIN, 'DrawReceipt', RECEIPT_FIELDS);
export const DRAW_RECEIPT = defineStruct(DOMAIN_V2, 'DrawReceipt', [...RECEIPT_FIELDS, ['rulesHash', 'bytes32']]);
/** A v2 receipt with court terms: what every new receipt is signed as, and what `RevealCourt` recovers the operator from. */
export const DRAW_RECEIPT_COURT = defineStruct(DOMAIN_V2, 'DrawReceipt', [
  ...RECEIPT_FIELDS,
  ['rulesHash', 'bytes32'],
  ['revealDeadline', 'uint64'],
  ['maxPayout', 'uint64'],
]);
export const ROOM_CLOSE_V1 = defineStruct(RECEIPT_DOMAIN, 'RoomClose', [
  ['roomId', 'string'],
  ['recordSeq', 'uint64'],
  ['prevHash', 'bytes32'],
  ['draws', 'uint64'],
  ['closedAt', 'uint64'],
]);
export const RECORD_SEAL = defineStruct(DOMAIN_V2, 'RecordSeal', [
  ['roomId', 'string'],
  ['recordSeq', 'uint64'],
  ['prevHash', 'bytes32'],
  ['bodyHash', 'bytes32'],
]);

/** The receipt record without its signature (and the players' authorisations): what the operator signs. */
export type UnsignedReceipt = Omit<ReceiptRecord, 'signature' | 'authorizations'>;
export type UnsignedClose = Omit<CloseRecord, 'signature'>;
/** A record the operator seals (v2): any but a receipt, without its seal. */
export type Sealable = Exclude<DrawRecord, ReceiptRecord> extends infer R ? (R extends DrawRecord ? Omit<R, 'signature'> : never) : never;

/** The struct a receipt is signed as: with court terms when it carries them, v2 when it names its rules, v1 otherwise. */
const receiptStruct = (r: UnsignedReceipt) =>
  r.revealDeadline !== undefined || r.maxPayout !== undefined ? DRAW_RECEIPT_COURT : r.rulesHash === undefined ? DRAW_RECEIPT_V1 : DRAW_RECEIPT;

/** The EIP-712 message of a receipt record (action as canonical JSON). */
export function receiptMessage(r: UnsignedReceipt): StructValue {
  return {
    roomId: r.roomId,
    drawSeq: r.drawSeq,
    recordSeq: r.seq,
    prevHash: r.prev,
    game: r.game,
    kind: r.kind,
    action: canonicalJson(r.action),
    players: r.players,
    commitments: r.commitments,
    suite: r.suite,
    keyId: r.keyId,
    issuedAt: r.issuedAt,
    ...(r.rulesHash === undefined ? {} : { rulesHash: r.rulesHash }),
    ...(r.revealDeadline === undefined ? {} : { revealDeadline: r.revealDeadline }),
    ...(r.maxPayout === undefined ? {} : { maxPayout: r.maxPayout }),
  };
}

/** What the operator signs for a receipt: its EIP-712 digest. */
export function receiptDigest(r: UnsignedReceipt): Uint8Array {
  return receiptStruct(r).digest(receiptMessage(r));
}

/** The address that signed a receipt record (throws on a malformed signature). */
export function receiptSigner(r: ReceiptRecord): string {
  return recoverSigner(receiptDigest(r), r.signature);
}

function closeMessage(r: UnsignedClose): StructValue {
  return { roomId: r.roomId, recordSeq: r.seq, prevHash: r.prev, draws: r.drawSeq, closedAt: r.closedAt };
}

/** A v1 close record's digest. */
export function closeDigestV1(r: UnsignedClose): Uint8Array {
  return ROOM_CLOSE_V1.digest(closeMessage(r));
}

/** The address that signed a v1 close record (throws on a malformed signature). */
export function closeSignerV1(r: CloseRecord): string {
  return recoverSigner(closeDigestV1(r), r.signature);
}

/** SHA-256 of the record's canonical JSON without its `signature` and `hash`: what a seal covers. */
export function bodyHash(r: Sealable | DrawRecord): string {
  const { signature: _s, hash: _h, ...body } = r as DrawRecord & { signature?: string; hash?: string };
  return jsonHash(body as unknown as JsonValue);
}

/** What the operator signs to seal a v2 record. */
export function sealDigest(r: Sealable | DrawRecord): Uint8Array {
  return RECORD_SEAL.digest({ roomId: r.roomId, recordSeq: r.seq, prevHash: r.prev, bodyHash: bodyHash(r) });
}

/** The address that sealed a v2 record (throws when it carries no seal or a malformed one). */
export function sealSigner(r: DrawRecord): string {
  const signature = (r as { signature?: string }).signature;
  if (signature === undefined) throw new Error('the record carries no seal');
  return recoverSigner(sealDigest(r), signature);
}
