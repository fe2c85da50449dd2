import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { getSuite, suites, type EcvrfSuite } from '../../vrf/index.ts';
import { edwards25519, nistP256, secp256k1Curve } from '../../vrf/curves.ts';
import { ECVRF_EDWARDS25519_SHA512_ELL2, ECVRF_EDWARDS25519_SHA512_TAI } from '../../vrf/suites.ts';
import { allVectorSuites, hex } from './vectors.ts';
import { BACKENDS, suiteOn } from './backends.ts';
import { draftSuite } from './secp256k1-drafts.ts';

const curveOf = (name: string) =>
  name.includes('EDWARDS') ? edwards25519 : name.includes('SECP256K1') ? secp256k1Curve : nistP256;
const sibling: Record<string, string> = {
  'ECVRF-P256-SHA256-TAI': 'ECVRF-P256-SHA256-SSWU',
  'ECVRF-P256-SHA256-SSWU': 'ECVRF-P256-SHA256-TAI',
  'ECVRF-EDWARDS25519-SHA512-TAI': 'ECVRF-EDWARDS25519-SHA512-ELL2',
  'ECVRF-EDWARDS25519-SHA512-ELL2': 'ECVRF-EDWARDS25519-SHA512-TAI',
};
/** The suite closest to `name`: the other encode-to-curve; for secp256k1, the draft-06 construction others published. */
const siblingOf = (name: string): EcvrfSuite =>
  name === 'ECVRF-SECP256K1-SHA256-TAI' ? draftSuite('draft-06') : getSuite(sibling[name]!);

function expectInvalid(suite: EcvrfSuite, pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array, reason?: RegExp) {
  const result = suite.verify(pk, alpha, pi);
  expect(result.valid).toBe(false);
  if (!result.valid) {
    expect(result.reason.length).toBeGreaterThan(10);
    if (reason) expect(result.reason).toMatch(reason);
  }
}

for (const backend of BACKENDS) for (const [name, vs] of Object.entries(allVectorSuites)) {
  const suite = suiteOn(backend, name);
  const curve = curveOf(name);
  const e = vs.examples[1]!;
  const [pk, alpha, pi] = [hex(e.pk), hex(e.alpha), hex(e.pi)];
  const ptLen = suite.publicKeyLength;
  const flip = (bytes: Uint8Array, byte: number, bit: number) => {
    const copy = bytes.slice();
    copy[byte] = copy[byte]! ^ (1 << bit);
    return copy;
  };

  describe(`${name} on ${backend}: tampered and malformed proofs`, () => {
    it('accepts the untouched proof (control)', () => {
      expect(suite.verify(pk, alpha, pi).valid).toBe(true);
    });

    it('rejects a flipped bit in every byte of Gamma, c and s', () => {
      for (let i = 0; i < pi.length; i++) {
        const part = i < ptLen ? /Gamma|challenge/ : i < ptLen + 16 ? /challenge/ : /challenge|s is not less/;
        expectInvalid(suite, pk, alpha, flip(pi, i, i % 8), part);
      }
    });

    it('rejects s + q and other s >= q', () => {
      const s = curve.bytesToInt(pi.subarray(ptLen + 16));
      const candidates = [curve.order, 2n ** 256n - 1n, s + curve.order].filter((v) => v < 2n ** 256n);
      for (const bad of candidates) {
        const forged = concatBytes(pi.subarray(0, ptLen + 16), curve.intToBytes(bad, 32));
        expectInvalid(suite, pk, alpha, forged, /s is not less than the group order/);
      }
    });

    it('rejects short, long and empty proofs', () => {
      expectInvalid(suite, pk, alpha, pi.subarray(0, pi.length - 1), /proof must be/);
      expectInvalid(suite, pk, alpha, concatBytes(pi, Uint8Array.of(0)), /proof must be/);
      expectInvalid(suite, pk, alpha, new Uint8Array(0), /proof must be/);
    });

    it('rejects a wrong alpha and a wrong key', () => {
      expectInvalid(suite, pk, concatBytes(alpha, Uint8Array.of(0)), pi, /challenge/);
      expectInvalid(suite, pk, alpha.length ? flip(alpha, 0, 0) : Uint8Array.of(1), pi, /challenge/);
      expectInvalid(suite, suite.publicKey(new Uint8Array(32).fill(5)), alpha, pi, /challenge/);
    });

    it('rejects a proof of the sibling suite on the same key and alpha', () => {
      const other = siblingOf(name);
      const otherPi = other.prove(hex(e.sk), alpha);
      expect(other.verify(pk, alpha, otherPi).valid).toBe(true);
      expectInvalid(suite, pk, alpha, otherPi, /challenge/);
    });

    it('returns a reason instead of throwing on values that are not byte arrays', () => {
      const bad = [undefined, null, 'abcd', 42, [1, 2, 3], {}] as unknown as Uint8Array[];
      for (const v of bad) {
        expectInvalid(suite, v, alpha, pi, /must be a Uint8Array/);
        expectInvalid(suite, pk, v, pi, /must be a Uint8Array/);
        expectInvalid(suite, pk, alpha, v, /must be a Uint8Array/);
      }
    });

    it('never throws on random bytes of any length, including the right ones', () => {
      const lengths = fc.oneof(fc.constantFrom(ptLen, suite.proofLength), fc.nat(120));
      fc.assert(
        fc.property(lengths, lengths, fc.uint8Array({ maxLength: 40 }), fc.infiniteStream(fc.integer({ min: 0, max: 255 })), (kl, pl, a, bytes) => {
          const take = (n: number) => Uint8Array.from(bytes.take(n));
          expect(suite.verify(take(kl), a, take(pl)).valid).toBe(false);
        }),
        propertyParams(`${name} on ${backend}: verify never throws`, { numRuns: 60 }),
      );
    });
  });
}

describe('edwards25519 keys: validate_key and strict decoding', () => {
  const { Point } = ed25519;
  // A point of order 8 and its multiples are the whole 8-torsion subgroup.
  const t8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const torsion = Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : t8.multiplyUnsafe(BigInt(i))));
  const smallOrderKeys = torsion.map((p) => p.toBytes());
  const p = 2n ** 255n - 19n;
  const le = (n: bigint) => edwards25519.intToBytes(n, 32);
  // Non-canonical encodings: y >= p, and x = 0 with the sign bit set.
  const sign = 1n << 255n;
  const nonCanonicalKeys = [le(p), le(p | sign), le(p + 1n), le(1n | sign), le((p - 1n) | sign)];

  it('the eight small-order points are distinct and each has order dividing 8', () => {
    expect(new Set(smallOrderKeys.map(bytesToHex)).size).toBe(8);
    expect(t8.multiplyUnsafe(4n).is0()).toBe(false);
    for (const t of torsion) expect(t.clearCofactor().is0()).toBe(true);
  });

  for (const backend of BACKENDS) for (const name of ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-EDWARDS25519-SHA512-ELL2'] as const) {
    const suite = suiteOn(backend, name);
    const alpha = new TextEncoder().encode('sample alpha');

    it(`${name} on ${backend}: a forged proof satisfies the verification equation under each small-order key, and is refused`, () => {
      for (const key of smallOrderKeys) {
        const forged = forgeForTorsionKey(name, key, alpha, torsion[3]!.toBytes());
        expect(equationHolds(name, key, alpha, forged)).toBe(true);
        expectInvalid(suite, key, alpha, forged, /small order/);
      }
    });

    it(`${name} on ${backend}: non-canonical encodings are refused, even with a proof that satisfies the equation`, () => {
      for (const key of nonCanonicalKeys) {
        expectInvalid(suite, key, alpha, forgeForTorsionKey(name, key, alpha, smallOrderKeys[0]!), /not a valid point encoding/);
      }
      const forged = forgeForTorsionKey(name, le(p + 1n), alpha, smallOrderKeys[0]!); // identity, y = 1 + p
      expect(equationHolds(name, le(p + 1n), alpha, forged)).toBe(true);
    });

    it(`${name} on ${backend}: a non-canonical Gamma is refused`, () => {
      const key = suite.publicKey(new Uint8Array(32).fill(9));
      const honest = suite.prove(new Uint8Array(32).fill(9), alpha);
      const forged = concatBytes(le(p + 1n), honest.subarray(32));
      expectInvalid(suite, key, alpha, forged, /Gamma is not a valid point encoding/);
    });
  }
});

const SEC1_CURVES = [
  { name: 'ECVRF-P256-SHA256-TAI', curve: 'P-256', Point: p256.Point },
  { name: 'ECVRF-SECP256K1-SHA256-TAI', curve: 'secp256k1', Point: secp256k1.Point },
] as const;

for (const { name, curve, Point: SecPoint } of SEC1_CURVES) describe(`${curve} keys: strict SEC1 compressed decoding`, () => {
  const suite = getSuite(name);
  const sk = new Uint8Array(32).fill(3);
  const alpha = Uint8Array.of(1, 2, 3);
  const pi = suite.prove(sk, alpha);
  const compressed = suite.publicKey(sk);
  const point = SecPoint.fromBytes(compressed);
  const P = SecPoint.Fp.ORDER;
  // The smallest x on the curve, to build an x >= p encoding of a real point.
  let smallX = 1n;
  while (!isOnCurveX(smallX)) smallX++;

  it('refuses the point at infinity (0x00), and 33 zero bytes', () => {
    expectInvalid(suite, Uint8Array.of(0), alpha, pi, /not a valid point encoding/);
    expectInvalid(suite, new Uint8Array(33), alpha, pi, /not a valid point encoding/);
  });
  it('refuses the uncompressed form of the right key (only the 33-byte form is PK_string)', () => {
    expect(suite.verify(compressed, alpha, pi).valid).toBe(true);
    expectInvalid(suite, point.toBytes(false), alpha, pi, /33 bytes/);
  });
  it('refuses x >= p, an x off the curve and a bad prefix', () => {
    expect(smallX + P).toBeLessThan(2n ** 256n);
    expectInvalid(suite, concatBytes(Uint8Array.of(2), numberToBytesBE(smallX + P, 32)), alpha, pi, /not a valid point/);
    let offX = smallX + 1n;
    while (isOnCurveX(offX)) offX++;
    expectInvalid(suite, concatBytes(Uint8Array.of(2), numberToBytesBE(offX, 32)), alpha, pi, /not a valid point/);
    for (const prefix of [0x00, 0x01, 0x04, 0x05, 0x06, 0x07]) {
      const badPrefix = compressed.slice();
      badPrefix[0] = prefix;
      expectInvalid(suite, badPrefix, alpha, pi, /prefix/);
    }
  });
  it('refuses the same defects in Gamma', () => {
    const rest = pi.subarray(33);
    expectInvalid(suite, compressed, alpha, concatBytes(Uint8Array.of(2), numberToBytesBE(smallX + P, 32), rest), /Gamma is not a valid point/);
    expectInvalid(suite, compressed, alpha, concatBytes(new Uint8Array(33), rest), /Gamma is not a valid point/);
    const badPrefix = pi.slice();
    badPrefix[0] = 0x04;
    expectInvalid(suite, compressed, alpha, badPrefix, /Gamma is not a valid point/);
  });
  it('the x >= p test point is real: x - p decodes', () => {
    expect(() => SecPoint.fromBytes(concatBytes(Uint8Array.of(2), numberToBytesBE(smallX, 32)))).not.toThrow();
  });

  function isOnCurveX(x: bigint): boolean {
    try {
      SecPoint.fromBytes(concatBytes(Uint8Array.of(2), numberToBytesBE(x, 32)));
      return true;
    } catch {
      return false;
    }
  }
});

// ---- forging helpers: what an attacker with a small-order key can do without validate_key ----

const internalsOf = (name: string) =>
  name.endsWith('TAI') ? ECVRF_EDWARDS25519_SHA512_TAI : ECVRF_EDWARDS25519_SHA512_ELL2;

function challenge(name: string, points: Uint8Array[]): bigint {
  const digest = sha512(concatBytes(Uint8Array.of(suites[name as 'ECVRF-EDWARDS25519-SHA512-TAI'].suiteString, 2), ...points, Uint8Array.of(0)));
  return edwards25519.bytesToInt(digest.subarray(0, 16));
}

/** Finds (Gamma, c, s) with U = s*B - c*Y and V = s*H - c*Gamma for a key Y in the 8-torsion. */
function forgeForTorsionKey(name: string, key: Uint8Array, alpha: Uint8Array, gamma: Uint8Array): Uint8Array {
  const H = ed25519.Point.fromBytes(internalsOf(name).encodeToCurve(key, alpha).h);
  for (let k = 1n; ; k++) {
    const U = ed25519.Point.BASE.multiply(k).toBytes();
    const V = H.multiply(k).toBytes();
    const c = challenge(name, [key, H.toBytes(), gamma, U, V]);
    if (c % 8n === 0n) return concatBytes(gamma, edwards25519.intToBytes(c, 16), edwards25519.intToBytes(k, 32));
  }
}

/** RFC 9381 verification without validate_key or strict decoding (zip215 decoding of Y). */
function equationHolds(name: string, key: Uint8Array, alpha: Uint8Array, pi: Uint8Array): boolean {
  const Y = ed25519.Point.fromBytes(key, true);
  const gamma = ed25519.Point.fromBytes(pi.subarray(0, 32));
  const c = edwards25519.bytesToInt(pi.subarray(32, 48));
  const s = edwards25519.bytesToInt(pi.subarray(48));
  const H = ed25519.Point.fromBytes(internalsOf(name).encodeToCurve(key, alpha).h);
  const U = ed25519.Point.BASE.multiplyUnsafe(s).add(Y.multiplyUnsafe(c).negate());
  const V = H.multiplyUnsafe(s).add(gamma.multiplyUnsafe(c).negate());
  return challenge(name, [key, H.toBytes(), pi.subarray(0, 32), U.toBytes(), V.toBytes()]) === c;
}
