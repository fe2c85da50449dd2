/**
 * The server's secp256k1 in WASM (server/fairness/secp256k1-wasm.ts) agrees with the references
 * on random keys and digests: the same signature bytes as ethers' `SigningKey.sign`, the same
 * address recovered as @noble/curves (`recoverSigner` without a backend) and ethers, and the same
 * refusal of every tampered signature (high s, v out of range, r or s zero or >= n, r no point's
 * x, a key at infinity, wrong length). Random inputs replay with the TEST_SEED printed.
 */
import fc from 'fast-check';
import { computeAddress, recoverAddress as ethersRecoverAddress, SigningKey } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { recoverSigner } from '../../vrf/protocol/eip712.ts';
import { createDigestSigner, recoverAddress } from '../../server/fairness/secp256k1-wasm.ts';

const N = secp256k1.Point.CURVE().n;
const HALF_N = N >> 1n;
const hex32 = (n: bigint): string => n.toString(16).padStart(64, '0');
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Private keys as ethers takes them: 0x and a scalar in [1, n-1]. */
const privateKey = fc.bigInt({ min: 1n, max: N - 1n }).map((k) => '0x' + hex32(k));

/** What a recovery gave: the address, or that it threw (with the message when `message`). */
function outcome(recover: () => string, message = false): string {
  try {
    return recover();
  } catch (e) {
    return message ? `threw: ${(e as Error).message}` : 'threw';
  }
}

/** A signature's outcome under both backends, which must be the same. */
function bothRecover(digest: Uint8Array, signature: string): { wasm: string; noble: string } {
  return { wasm: outcome(() => recoverAddress(digest, signature)), noble: outcome(() => recoverSigner(digest, signature)) };
}

const withParts = (r: bigint, s: bigint, v: number): string => '0x' + hex32(r) + hex32(s) + v.toString(16).padStart(2, '0');
const parts = (signature: string): { r: bigint; s: bigint; v: number } => ({
  r: BigInt('0x' + signature.slice(2, 66)),
  s: BigInt('0x' + signature.slice(66, 130)),
  v: parseInt(signature.slice(130), 16),
});

describe('secp256k1 in WASM', () => {
  it('signs every digest with the same bytes as ethers SigningKey', () => {
    fc.assert(
      fc.property(privateKey, bytes32, (key, digest) => {
        expect(createDigestSigner(key)(digest)).toBe(new SigningKey(key).sign(digest).serialized);
      }),
      propertyParams('wasm sign = ethers sign', { numRuns: 300 }),
    );
  });

  it('recovers the same address as noble and ethers, with v as 27/28 or 0/1', () => {
    fc.assert(
      fc.property(privateKey, bytes32, (key, digest) => {
        const signature = new SigningKey(key).sign(digest).serialized;
        const address = computeAddress(key);
        expect(recoverAddress(digest, signature)).toBe(address);
        expect(recoverSigner(digest, signature)).toBe(address);
        expect(ethersRecoverAddress(digest, signature)).toBe(address);
        const { r, s, v } = parts(signature);
        expect(recoverAddress(digest, withParts(r, s, v - 27))).toBe(address);
        expect(recoverAddress(digest, signature.toUpperCase().replace('0X', '0x'))).toBe(address);
      }),
      propertyParams('wasm recover = noble recover', { numRuns: 200 }),
    );
  });

  it('refuses each tampered form of a signature as noble does, with the same message', () => {
    fc.assert(
      fc.property(privateKey, bytes32, fc.integer({ min: 0, max: 255 }), (key, digest, badV) => {
        const { r, s, v } = parts(new SigningKey(key).sign(digest).serialized);
        const flippedV = v === 27 ? 28 : 27;
        const tampered = [
          withParts(r, N - s, flippedV), // the same signature in its high-s form
          withParts(r, s, [0, 1, 27, 28].includes(badV) ? 29 : badV),
          withParts(0n, s, v),
          withParts(r, 0n, v),
          withParts(N, s, v),
          withParts(r + N < 2n ** 256n ? r + N : N + 1n, s, v),
          withParts(r, N, v),
          withParts(r, N + s, v),
          withParts(2n ** 256n - 1n, s, v),
        ];
        for (const signature of tampered) {
          const messages = {
            wasm: outcome(() => recoverAddress(digest, signature), true),
            noble: outcome(() => recoverSigner(digest, signature), true),
          };
          expect(messages.wasm).toMatch(/^threw: /);
          expect(messages.wasm).toBe(messages.noble);
        }
      }),
      propertyParams('tampered refused alike', { numRuns: 100 }),
    );
  });

  it('refuses signatures of the wrong shape with the same message', () => {
    const signature = new SigningKey('0x' + '11'.repeat(32)).sign(new Uint8Array(32)).serialized;
    const digest = new Uint8Array(32);
    for (const bad of [signature.slice(0, -2), signature + '00', signature.slice(2), signature.slice(0, -1) + 'g', '', '0x']) {
      const wasm = outcome(() => recoverAddress(digest, bad), true);
      expect(wasm).toBe('threw: signature must be 0x and 65 bytes of hex');
      expect(outcome(() => recoverSigner(digest, bad), true)).toBe(wasm);
    }
  });

  it('gives the same outcome as noble for any one byte changed', () => {
    fc.assert(
      fc.property(privateKey, bytes32, fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 255 }), (key, digest, at, xor) => {
        const bytes = hexToBytes(new SigningKey(key).sign(digest).serialized.slice(2));
        const v = bytes[64]!;
        bytes[at] = bytes[at]! ^ xor;
        const { wasm, noble } = bothRecover(digest, '0x' + bytesToHex(bytes));
        expect(wasm).toBe(noble);
        // v 0 and 1 are accepted as 27 and 28 (as ethers does): 28 made 1, or 27 made 0, is the
        // same signature written another way, and recovers the signer. Any other change does not.
        const sameV = at === 64 && bytes[64] === v - 27;
        if (sameV) expect(wasm).toBe(computeAddress(key));
        else if (wasm !== 'threw') expect(wasm).not.toBe(computeAddress(key));
      }),
      propertyParams('one byte changed', { numRuns: 300 }),
    );
  });

  it('refuses an r that is no point x, as noble does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.bigInt({ min: 1n, max: HALF_N }), bytes32, (r, s, digest) => {
        fc.pre(outcome(() => bytesToHex(secp256k1.Point.fromBytes(hexToBytes('02' + hex32(r))).toBytes())) === 'threw');
        expect(bothRecover(digest, withParts(r, s, 27))).toEqual({ wasm: 'threw', noble: 'threw' });
      }),
      propertyParams('r no point x', { numRuns: 50 }),
    );
  });

  it('refuses a signature whose recovered key would be the point at infinity, as noble does', () => {
    // Q = r⁻¹(sR − hG) is at infinity when s = h/k for R = kG: a signature valid in shape only.
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), bytes32, (k, digest) => {
        const h = BigInt('0x' + bytesToHex(digest)) % N;
        fc.pre(h !== 0n);
        let R = secp256k1.Point.BASE.multiply(k);
        let s = (h * secp256k1.Point.Fn.inv(k)) % N;
        if (s > HALF_N) [R, s] = [R.negate(), N - s];
        const { x, y } = R.toAffine();
        fc.pre(x < N);
        expect(bothRecover(digest, withParts(x, s, 27 + Number(y & 1n)))).toEqual({ wasm: 'threw', noble: 'threw' });
      }),
      propertyParams('key at infinity', { numRuns: 20 }),
    );
  });

  it('refuses a bad key or digest without quoting the key', () => {
    const key = '0x' + 'ab'.repeat(32);
    expect(() => createDigestSigner(key.slice(0, -2))).toThrow(/32 bytes of hex/);
    expect(() => createDigestSigner(key.slice(2))).toThrow(/32 bytes of hex/);
    expect(() => createDigestSigner('0x' + hex32(0n))).toThrow(/\[1, n-1\]/);
    expect(() => createDigestSigner('0x' + hex32(N))).toThrow(/\[1, n-1\]/);
    for (const bad of [key.slice(0, -2), '0x' + hex32(N)]) {
      const message = outcome(() => (createDigestSigner(bad), 'made a signer'), true);
      expect(message).toMatch(/^threw: /);
      expect(message).not.toContain(bad.slice(2, 20));
    }
    const sign = createDigestSigner(key);
    expect(() => sign(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => recoverAddress(new Uint8Array(31), sign(new Uint8Array(32)))).toThrow(/32 bytes/);
  });
});
