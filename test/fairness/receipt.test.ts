import fc from 'fast-check';
import { TypedDataEncoder } from 'ethers';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { RECEIPT_DOMAIN, RECEIPT_TYPES, receiptDigest, receiptMessage, receiptSigner } from '../../vrf/protocol/receipt.ts';
import { buildWorkedExample } from './worked-example.ts';

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);
const receipt = fc.record({
  seq: fc.nat(),
  prev: hex(32),
  roomId: fc.string({ maxLength: 40 }),
  drawSeq: fc.nat(),
  type: fc.constant('receipt' as const),
  game: fc.string({ maxLength: 10 }),
  kind: fc.string({ maxLength: 10 }),
  action: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer())),
  players: fc.array(hex(20).map((h) => '0x' + h), { minLength: 1, maxLength: 4 }),
  commitments: fc.array(hex(32), { minLength: 1, maxLength: 4 }),
  suite: fc.string({ maxLength: 40 }),
  keyId: hex(8),
  issuedAt: fc.nat(),
});

describe('EIP-712 receipt digest', () => {
  it('equals ethers TypedDataEncoder.hash for any receipt', () => {
    fc.assert(
      fc.property(receipt, (r) => {
        expect('0x' + bytesToHex(receiptDigest(r))).toBe(TypedDataEncoder.hash(RECEIPT_DOMAIN, RECEIPT_TYPES, receiptMessage(r)));
      }),
      propertyParams('receipt digest = TypedDataEncoder.hash', { numRuns: 200 }),
    );
  });

  it('a signed receipt recovers its signer; any changed field does not', () => {
    const { receipt: signed, operator } = buildWorkedExample();
    expect(receiptSigner(signed)).toBe(operator);
    expect(receiptSigner({ ...signed, drawSeq: 1 })).not.toBe(operator);
    expect(receiptSigner({ ...signed, action: { ...signed.action, stake: 11 } })).not.toBe(operator);
  });
});
