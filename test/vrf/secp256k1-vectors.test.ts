/**
 * ECVRF-SECP256K1-SHA256-TAI against its committed vectors (test/vectors/secp256k1-fe.json), and
 * those vectors against an independent computation (secp256k1-reference.ts: raw noble point
 * arithmetic, SHA-256, and noble's ECDSA RFC 6979 nonce), so the file is not our own output
 * echoed back. A property test then compares the two implementations on random keys and alphas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getSuite } from '../../vrf/index.ts';
import { ECVRF_SECP256K1_SHA256_TAI as impl } from '../../vrf/suites.ts';
import { secp256k1Curve } from '../../vrf/curves.ts';
import { propertyParams } from '../helpers/seed.ts';
import { hex, secp256k1Vectors } from './vectors.ts';
import { N, referenceProve, referenceVerify, RFC9381 } from './secp256k1-reference.ts';

const NAME = 'ECVRF-SECP256K1-SHA256-TAI';
const toInt = (h: string) => bytesToNumberBE(hex(h));

describe(`${NAME} vectors (test/vectors/secp256k1-fe.json)`, () => {
  it('is the registered suite 0xFE, with the lengths of P-256-TAI', () => {
    const suite = getSuite(NAME);
    expect(suite.suiteString).toBe(parseInt(secp256k1Vectors.suite_string, 16));
    expect(suite.suiteString).toBe(0xfe);
    expect([suite.publicKeyLength, suite.proofLength, suite.betaLength]).toEqual([33, 81, 32]);
  });

  it('covers the empty alpha, a 200-byte alpha, several counters and edge keys', () => {
    const ex = secp256k1Vectors.examples;
    expect(ex.length).toBeGreaterThanOrEqual(6);
    expect(ex.some((e) => e.alpha === '')).toBe(true);
    expect(ex.some((e) => hex(e.alpha).length === 200)).toBe(true);
    expect(new Set(ex.map((e) => e.tai_ctr)).size).toBeGreaterThan(1);
    expect(ex.map((e) => toInt(e.sk))).toEqual(expect.arrayContaining([1n, N - 1n]));
  });

  for (const e of secp256k1Vectors.examples) {
    const sk = hex(e.sk);
    const alpha = hex(e.alpha);

    describe(`example ${e.example} (alpha ${alpha.length} bytes)`, () => {
      it('our suite: public key, proof, verify and beta', () => {
        const suite = getSuite(NAME);
        expect(bytesToHex(suite.publicKey(sk))).toBe(e.pk);
        expect(bytesToHex(suite.prove(sk, alpha))).toBe(e.pi);
        expect(suite.verify(hex(e.pk), alpha, hex(e.pi))).toEqual({ valid: true, beta: hex(e.beta) });
        expect(bytesToHex(suite.proofToHash(hex(e.pi)))).toBe(e.beta);
      });

      it('our suite: x, counter, H, k, Gamma, U, V, c and s', () => {
        expect(secp256k1Curve.secretScalar(sk)).toBe(toInt(e.x));
        expect(impl.encodeToCurve(hex(e.pk), alpha)).toEqual({ h: hex(e.h), ctr: e.tai_ctr });
        const t = impl.proveTrace(sk, alpha);
        expect([t.h, t.gamma, t.u, t.v].map(bytesToHex)).toEqual([e.h, e.gamma, e.u, e.v]);
        expect([t.k, t.c, t.s]).toEqual([toInt(e.k), toInt(e.c), toInt(e.s)]);
        expect(impl.nonce(sk, t.h)).toBe(toInt(e.k));
      });

      it('independent computation: every field, from raw noble arithmetic and ECDSA RFC 6979', () => {
        const r = referenceProve(sk, alpha, RFC9381);
        expect(bytesToHex(r.pk)).toBe(e.pk);
        expect(r.ctr).toBe(e.tai_ctr);
        expect([r.h, r.gamma, r.u, r.v, r.pi, r.beta].map(bytesToHex)).toEqual([e.h, e.gamma, e.u, e.v, e.pi, e.beta]);
        expect([r.k, r.c, r.s]).toEqual([toInt(e.k), toInt(e.c), toInt(e.s)]);
        expect(bytesToHex(referenceVerify(hex(e.pk), alpha, hex(e.pi), RFC9381)!)).toBe(e.beta);
      });

      it('the pieces agree with each other: pi = Gamma || c || s, U = s*B - c*Y, V = s*H - c*Gamma', () => {
        expect(e.pi).toBe(e.gamma + e.c + e.s);
        const P = secp256k1.Point;
        const [s, c] = [toInt(e.s), toInt(e.c)];
        const U = P.BASE.multiply(s).subtract(P.fromBytes(hex(e.pk)).multiply(c));
        const V = P.fromBytes(hex(e.h)).multiply(s).subtract(P.fromBytes(hex(e.gamma)).multiply(c));
        expect([bytesToHex(U.toBytes(true)), bytesToHex(V.toBytes(true))]).toEqual([e.u, e.v]);
      });
    });
  }

  it('our suite and the independent computation agree on random keys and alphas of 0 to 300 bytes', () => {
    const suite = getSuite(NAME);
    const key = fc.bigInt({ min: 1n, max: N - 1n }).map((x) => secp256k1Curve.intToBytes(x, 32));
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 300 }), (sk, alpha) => {
        const r = referenceProve(sk, alpha, RFC9381);
        expect(bytesToHex(suite.prove(sk, alpha))).toBe(bytesToHex(r.pi));
        expect(suite.verify(r.pk, alpha, r.pi)).toEqual({ valid: true, beta: r.beta });
      }),
      propertyParams(`${NAME} vs independent computation`, { numRuns: 30 }),
    );
  });
});
