import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../helpers/seed.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { suites } from '../../vrf/index.ts';
import { internalSuites } from '../../vrf/suites.ts';
import { edwards25519, nistP256, secp256k1Curve, type EcvrfCurve, type GroupPoint } from '../../vrf/curves.ts';
import { fixedBaseMultiplier, multiplyShared, signedDigits } from '../../vrf/scalar-mul.ts';
import { ChainEdPoint } from '../../vrf/ed25519-chain.ts';

// SEC1 secret keys (P-256, secp256k1) must encode an integer in [1, q-1]; other 32-byte strings
// are refused. A first byte below 0xff keeps them under either curve's q.
const secretKey = (sec1Suite: boolean) =>
  fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((sk) => !sec1Suite || (sk.some((b) => b !== 0) && sk[0]! < 0xff));

/** The public key as the curve library derives it (SEC1 compressed, or RFC 8032). */
const nobleKey = (name: string, sk: Uint8Array): Uint8Array =>
  name.includes('SECP256K1') ? secp256k1.getPublicKey(sk, true) : name.includes('P256') ? p256.getPublicKey(sk, true) : ed25519.getPublicKey(sk);

for (const [name, suite] of Object.entries(suites)) {
  const isSec1 = !name.includes('EDWARDS');
  describe(`${name}: round trip`, () => {
    it('verifies its own proofs over random keys and alphas of 0 to 300 bytes', () => {
      fc.assert(
        fc.property(secretKey(isSec1), fc.uint8Array({ minLength: 0, maxLength: 300 }), (sk, alpha) => {
          const pk = suite.publicKey(sk);
          const pi = suite.prove(sk, alpha);
          expect(pi).toHaveLength(suite.proofLength);
          const result = suite.verify(pk, alpha, pi);
          expect(result).toEqual({ valid: true, beta: suite.proofToHash(pi) });
          if (result.valid) expect(result.beta).toHaveLength(suite.betaLength);
        }),
        propertyParams(`${name} round trip`, { numRuns: 40 }),
      );
    });

    it('crosses every hash block boundary of alpha (SHA-256: 64 bytes, SHA-512: 128 bytes)', () => {
      const sk = new Uint8Array(32).fill(0x42);
      const pk = suite.publicKey(sk);
      for (const len of [55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 191, 192, 256, 300]) {
        const alpha = Uint8Array.from({ length: len }, (_, i) => i * 7);
        expect(suite.verify(pk, alpha, suite.prove(sk, alpha)).valid).toBe(true);
      }
    });

    it('proveWithOutput gives the proof and the beta that verify gives', () => {
      const sk = new Uint8Array(32).fill(0x29);
      for (const alpha of [Uint8Array.of(), Uint8Array.of(1, 2, 3)]) {
        const { pi, beta } = internalSuites[name]!.proveWithOutput(sk, alpha);
        expect(pi).toEqual(suite.prove(sk, alpha));
        expect(suite.verify(suite.publicKey(sk), alpha, pi)).toEqual({ valid: true, beta });
      }
    });

    it('is deterministic, and different alphas give different outputs', () => {
      const sk = new Uint8Array(32).fill(0x17);
      const a = suite.prove(sk, Uint8Array.of(1));
      expect(suite.prove(sk, Uint8Array.of(1))).toEqual(a);
      expect(suite.proofToHash(suite.prove(sk, Uint8Array.of(2)))).not.toEqual(suite.proofToHash(a));
    });

    it('derives the public key the curve library derives', () => {
      const sk = new Uint8Array(32).fill(0x23);
      expect(suite.publicKey(sk)).toEqual(nobleKey(name, sk));
    });

    it('does not serve a stale key when the caller reuses its key array', () => {
      const sk = new Uint8Array(32).fill(0x31);
      const first = suite.publicKey(sk);
      const piFirst = suite.prove(sk, Uint8Array.of(9));
      sk[5] = 0x32;
      const second = suite.publicKey(sk);
      expect(second).not.toEqual(first);
      expect(suite.verify(second, Uint8Array.of(9), suite.prove(sk, Uint8Array.of(9))).valid).toBe(true);
      expect(suite.verify(second, Uint8Array.of(9), piFirst).valid).toBe(false);
      suite.publicKey(sk)[0] = 0; // the returned key is a copy
      expect(suite.publicKey(sk)).toEqual(second);
    });

    it('refuses secret keys of the wrong length with a clear error', () => {
      expect(() => suite.prove(new Uint8Array(31), Uint8Array.of())).toThrow(/secret key must be 32 bytes/);
      expect(() => suite.publicKey(new Uint8Array(33))).toThrow(/secret key must be 32 bytes/);
    });
  });
}

describe('SEC1 secret keys out of range', () => {
  for (const [name, curve] of [['ECVRF-P256-SHA256-TAI', nistP256], ['ECVRF-SECP256K1-SHA256-TAI', secp256k1Curve]] as const) {
    it(`${name}: refuses 0, q and values above; accepts 1 and q-1`, () => {
      const suite = suites[name];
      expect(() => suite.publicKey(new Uint8Array(32))).toThrow(/\[1, q-1\]/);
      expect(() => suite.prove(curve.intToBytes(curve.order, 32), Uint8Array.of())).toThrow(/\[1, q-1\]/);
      expect(() => suite.prove(new Uint8Array(32).fill(0xff), Uint8Array.of())).toThrow(/\[1, q-1\]/);
      for (const x of [1n, curve.order - 1n]) {
        const sk = curve.intToBytes(x, 32);
        expect(suite.verify(suite.publicKey(sk), Uint8Array.of(7), suite.prove(sk, Uint8Array.of(7))).valid).toBe(true);
      }
    });
  }
});

function agreesWithNoble<P extends GroupPoint<P> & { equals(other: P): boolean }>(curve: EcvrfCurve<P>): void {
  const { Point, order } = curve;
  const bits = order.toString(2).length;
  const edge = [0n, 1n, 2n, 7n, 8n, 9n, order - 1n, order - 2n, (1n << BigInt(bits - 1)) + 5n];
  const scalar = fc.bigInt({ min: 0n, max: order - 1n });
  const expected = (p: P, n: bigint) => (n === 0n ? Point.ZERO : p.multiplyUnsafe(n));

  it(`${curve.name}: multiplyShared(H, [a, b]) = [a*H, b*H]`, () => {
    const H = Point.BASE.multiplyUnsafe(123456789n);
    for (const n of edge) expect(multiplyShared(Point.ZERO, H, [n, n], bits).map((p) => p.equals(expected(H, n)))).toEqual([true, true]);
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const [A, B] = multiplyShared(Point.ZERO, H, [a, b], bits);
        expect(A!.equals(expected(H, a)) && B!.equals(expected(H, b))).toBe(true);
      }),
      propertyParams(`${curve.name} multiplyShared`, { numRuns: 20 }),
    );
  });

  it(`${curve.name}: the curve's multiplySecret(H, [a, b]) = [a*H, b*H]`, () => {
    const H = Point.BASE.multiplyUnsafe(987654321n);
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const [A, B] = curve.multiplySecret(H, [a, b]);
        expect(A!.equals(expected(H, a)) && B!.equals(expected(H, b))).toBe(true);
      }),
      propertyParams(`${curve.name} multiplySecret`, { numRuns: 20 }),
    );
    for (const n of edge) expect(curve.multiplySecret(H, [n])[0]!.equals(expected(H, n))).toBe(true);
  });

  it(`${curve.name}: fixedBaseMultiplier(B)(n) = n*B`, () => {
    const mul = fixedBaseMultiplier(Point.BASE, Point.ZERO, bits);
    for (const n of edge) expect(mul(n).equals(expected(Point.BASE, n))).toBe(true);
    fc.assert(
      fc.property(scalar, (n) => {
        expect(mul(n).equals(expected(Point.BASE, n))).toBe(true);
      }),
      propertyParams(`${curve.name} fixedBaseMultiplier`, { numRuns: 20 }),
    );
  });
}

describe('constant-operation scalar multiplication agrees with noble', () => {
  agreesWithNoble(edwards25519);
  agreesWithNoble(nistP256);
  agreesWithNoble(secp256k1Curve);

  it('ChainEdPoint follows noble through random sequences of double, add and negate', () => {
    const { Point } = ed25519;
    const t8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'); // order 8
    const start = [Point.ZERO, Point.BASE, t8, Point.BASE.multiplyUnsafe(2n ** 200n + 3n).add(t8)];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('dbl', 'add', 'neg'), fc.nat(3)), { maxLength: 300 }), (steps) => {
        let noble = start[1]!;
        let chain = ChainEdPoint.from(noble);
        for (const [op, i] of steps) {
          if (op === 'dbl') [noble, chain] = [noble.double(), chain.double()];
          else if (op === 'neg') [noble, chain] = [noble.negate(), chain.negate()];
          else [noble, chain] = [noble.add(start[i]!), chain.add(ChainEdPoint.from(start[i]!))];
        }
        expect(chain.toNoble().equals(noble)).toBe(true);
        if (!noble.is0()) expect(() => chain.toNoble().assertValidity()).not.toThrow(); // X*Y = Z*T too
      }),
      propertyParams('ChainEdPoint follows noble', { numRuns: 60 }),
    );
  });

  it('signedDigits recodes exactly, with a length that depends on the bit length only', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 253n) - 1n }), fc.integer({ min: 2, max: 7 }), (n, w) => {
        const digits = signedDigits(n, w, 253);
        expect(digits.length).toBe(Math.ceil(253 / w) + 1);
        let back = 0n;
        for (let j = digits.length - 1; j >= 0; j--) back = (back << BigInt(w)) + BigInt(digits[j]!);
        expect(back).toBe(n);
        for (const d of digits) expect(d > -(1 << (w - 1)) && d <= 1 << (w - 1)).toBe(true);
      }),
      propertyParams('signedDigits recodes exactly'),
    );
    expect(() => signedDigits(1n << 253n, 4, 253)).not.toThrow(); // carry window absorbs it
    expect(() => signedDigits(1n << 300n, 4, 253)).toThrow(/wider/);
  });
});
