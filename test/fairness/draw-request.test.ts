/**
 * The draw request's hand-encoded EIP-712 digest and its signer recovered with @noble/curves
 * agree with ethers' generic typed-data code on random requests; a high-s or malformed signature
 * is refused as ethers refuses it.
 */
import fc from 'fast-check';
import { Signature, TypedDataEncoder, verifyTypedData, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { DRAW_REQUEST, DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, drawRequestDigest, drawRequestMessage, drawRequestSigner, type DrawRequest } from '../../vrf/protocol/authorization.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { propertyParams } from '../helpers/seed.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const request: fc.Arbitrary<DrawRequest> = fc.record({
  roomId: fc.string({ minLength: 1, maxLength: 64 }),
  game: fc.constantFrom('dice', 'raid', 'blackjack'),
  kind: fc.string({ maxLength: 16 }),
  action: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.boolean())),
  commitment: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex),
  rulesHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex),
});
const typed = (r: DrawRequest): Record<string, unknown> => DRAW_REQUEST.message(drawRequestMessage(r));

describe('draw request signatures', () => {
  it('digest and signer agree with ethers on random requests and keys', async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0)), async (r, key) => {
        const wallet = new Wallet('0x' + bytesToHex(key));
        const signature = await wallet.signTypedData(DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, typed(r));
        expect('0x' + bytesToHex(drawRequestDigest(r))).toBe(TypedDataEncoder.hash(DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, typed(r)));
        expect(drawRequestSigner(r, signature)).toBe(verifyTypedData(DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, typed(r), signature));
        expect(drawRequestSigner(r, signature)).toBe(wallet.address);
        // Another request under the same signature recovers someone else.
        expect(drawRequestSigner({ ...r, commitment: r.commitment.replace(/^./, (c) => (c === '0' ? '1' : '0')) }, signature)).not.toBe(wallet.address);
      }),
      propertyParams('draw request signer', { numRuns: 40 }),
    );
  });

  it('refuses what ethers refuses: a high s, a bad v, a malformed signature', async () => {
    const wallet = new Wallet('0x' + '07'.repeat(32));
    const r: DrawRequest = { roomId: 'r1', game: 'dice', kind: 'roll', action: { stake: 2 }, commitment: 'ab'.repeat(32), rulesHash: 'cd'.repeat(32) };
    const sig = Signature.from(await wallet.signTypedData(DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, typed(r)));
    const highS = sig.r + (N - BigInt(sig.s)).toString(16).padStart(64, '0') + (sig.v === 27 ? '1c' : '1b');
    expect(() => verifyTypedData(DRAW_REQUEST_DOMAIN, DRAW_REQUEST_TYPES, typed(r), highS)).toThrow();
    expect(() => drawRequestSigner(r, highS)).toThrow(/low-s/);
    expect(() => drawRequestSigner(r, sig.r + sig.s.slice(2) + '1d')).toThrow(/v must be/);
    expect(() => drawRequestSigner(r, '0x1234')).toThrow(/65 bytes/);
    // v as 0/1 is the same signature as 27/28.
    expect(drawRequestSigner(r, sig.r + sig.s.slice(2) + (sig.v - 27).toString(16).padStart(2, '0'))).toBe(wallet.address);
  });
});
