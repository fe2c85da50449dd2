/**
 * The protocol's EIP-712 structs, encoded directly (vrf/protocol/eip712.ts), agree with ethers'
 * generic typed-data code on random values: every receipt (v1, v2, v2 with court terms), seal,
 * close, draw request, move and court reveal digest, and the signer recovered from each.
 */
import fc from 'fast-check';
import { TypedDataEncoder, verifyTypedData, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { recoverSigner, type StructValue, type TypedStruct } from '../../vrf/protocol/eip712.ts';
import { DRAW_MOVE, DRAW_REQUEST } from '../../vrf/protocol/authorization.ts';
import { COURT_REVEAL } from '../../vrf/protocol/court-reveal.ts';
import { DRAW_RECEIPT, DRAW_RECEIPT_COURT, DRAW_RECEIPT_V1, RECEIPT_DOMAIN, DOMAIN_V2, RECORD_SEAL, receiptSigner, ROOM_CLOSE_V1 } from '../../vrf/protocol/receipt.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { buildWorkedExample } from './worked-example.ts';

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);
const arbitrary: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 40 }),
  uint64: fc.maxSafeNat(),
  bytes32: hex(32),
  'address[]': fc.array(hex(20).map((h) => '0x' + h), { minLength: 0, maxLength: 4 }),
  'bytes32[]': fc.array(hex(32), { minLength: 0, maxLength: 4 }),
};
const valueOf = (s: TypedStruct): fc.Arbitrary<StructValue> =>
  fc.record(Object.fromEntries(s.types[s.name]!.map((f) => [f.name, arbitrary[f.type]!]))) as fc.Arbitrary<StructValue>;

const STRUCTS: [TypedStruct, typeof RECEIPT_DOMAIN | typeof DOMAIN_V2][] = [
  [DRAW_RECEIPT_V1, RECEIPT_DOMAIN],
  [ROOM_CLOSE_V1, RECEIPT_DOMAIN],
  [DRAW_RECEIPT, DOMAIN_V2],
  [DRAW_RECEIPT_COURT, DOMAIN_V2],
  [COURT_REVEAL, DOMAIN_V2],
  [RECORD_SEAL, DOMAIN_V2],
  [DRAW_REQUEST, DOMAIN_V2],
  [DRAW_MOVE, DOMAIN_V2],
];

describe('EIP-712 structs', () => {
  for (const [struct, domain] of STRUCTS)
    it(`${struct.name} (domain version ${domain.version}): digest and signer agree with ethers`, async () => {
      const wallet = Wallet.createRandom();
      await fc.assert(
        fc.asyncProperty(valueOf(struct), async (v) => {
          const message = struct.message(v);
          expect('0x' + bytesToHex(struct.digest(v))).toBe(TypedDataEncoder.hash(domain, struct.types, message));
          const signature = await wallet.signTypedData(domain, struct.types, message);
          expect(recoverSigner(struct.digest(v), signature)).toBe(verifyTypedData(domain, struct.types, message, signature));
        }),
        propertyParams(`${struct.name} digest = TypedDataEncoder.hash`, { numRuns: 40 }),
      );
    });

  it('a signed receipt recovers its signer; any changed field, its rules included, does not', async () => {
    const { dice, keys } = await buildWorkedExample();
    const signed = dice.records[0] as ReceiptRecord;
    const operator = keys.receiptSigner;
    expect(receiptSigner(signed)).toBe(operator);
    expect(receiptSigner({ ...signed, drawSeq: 1 })).not.toBe(operator);
    expect(receiptSigner({ ...signed, action: { ...signed.action, stake: 11 } })).not.toBe(operator);
    expect(receiptSigner({ ...signed, rulesHash: 'ab'.repeat(32) })).not.toBe(operator);
    expect(signed.maxPayout).toBeGreaterThan(0);
    expect(receiptSigner({ ...signed, maxPayout: signed.maxPayout! + 1 })).not.toBe(operator);
    expect(receiptSigner({ ...signed, revealDeadline: signed.revealDeadline! + 1 })).not.toBe(operator);
  });
});
