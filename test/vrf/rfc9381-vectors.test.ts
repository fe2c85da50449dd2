import { describe, expect, it } from 'vitest';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { FpIsSquare } from '@noble/curves/abstract/modular.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToNumberBE, bytesToNumberLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { getSuite, suites } from '../../vrf/index.ts';
import * as internals from '../../vrf/suites.ts';
import { edwards25519, nistP256 } from '../../vrf/curves.ts';
import { hex, vectorSuites } from './vectors.ts';
import { BACKENDS, suiteOn } from './backends.ts';

const bySuite = {
  'ECVRF-P256-SHA256-TAI': { impl: internals.ECVRF_P256_SHA256_TAI, curve: nistP256 },
  'ECVRF-P256-SHA256-SSWU': { impl: internals.ECVRF_P256_SHA256_SSWU, curve: nistP256 },
  'ECVRF-EDWARDS25519-SHA512-TAI': { impl: internals.ECVRF_EDWARDS25519_SHA512_TAI, curve: edwards25519 },
  'ECVRF-EDWARDS25519-SHA512-ELL2': { impl: internals.ECVRF_EDWARDS25519_SHA512_ELL2, curve: edwards25519 },
} as const;

const h2cDst = {
  'ECVRF-P256-SHA256-SSWU': { id: 'P256_XMD:SHA-256_SSWU_NU_', hash: sha256, suite: 2, le: false },
  'ECVRF-EDWARDS25519-SHA512-ELL2': { id: 'edwards25519_XMD:SHA-512_ELL2_NU_', hash: sha512, suite: 4, le: true },
} as const;

describe('RFC 9381 Appendix B vectors', () => {
  it('covers all four RFC suites with three examples each', () => {
    // ECVRF-SECP256K1-SHA256-TAI is not in the RFC: its vectors are in secp256k1-vectors.test.ts.
    const rfcSuites = Object.keys(suites).filter((name) => name !== 'ECVRF-SECP256K1-SHA256-TAI');
    expect(Object.keys(vectorSuites).sort()).toEqual(rfcSuites.sort());
    for (const s of Object.values(vectorSuites)) expect(s.examples).toHaveLength(3);
  });

  for (const [name, vs] of Object.entries(vectorSuites)) {
    const { impl, curve } = bySuite[name as keyof typeof bySuite];
    describe(name, () => {
      it('has the suite_string of the RFC', () => {
        expect(getSuite(name).suiteString).toBe(parseInt(vs.suite_string, 16));
      });

      for (const e of vs.examples) {
        const sk = hex(e.sk);
        const alpha = hex(e.alpha);
        describe(`example ${e.example}`, () => {
          it.each(BACKENDS)('public key, proof and beta on %s', (backend) => {
            const suite = suiteOn(backend, name);
            expect(bytesToHex(suite.publicKey(sk))).toBe(e.pk);
            expect(bytesToHex(suite.prove(sk, alpha))).toBe(e.pi);
            const result = suite.verify(hex(e.pk), alpha, hex(e.pi));
            expect(result).toEqual({ valid: true, beta: hex(e.beta) });
            expect(bytesToHex(suite.proofToHash(hex(e.pi)))).toBe(e.beta);
          });

          it('secret scalar x', () => {
            const x = curve === edwards25519 ? bytesToNumberLE(hex(e.x)) % curve.order : bytesToNumberBE(hex(e.x));
            expect(curve.secretScalar(sk)).toBe(x);
          });

          it('H, k, Gamma, U, V, c and s', () => {
            const t = impl.proveTrace(sk, alpha);
            const toInt = (h: string) => curve.bytesToInt(hex(h));
            expect(bytesToHex(t.h)).toBe(e.h);
            expect(t.k).toBe(toInt(e.k));
            expect(bytesToHex(t.gamma)).toBe(e.gamma);
            expect(bytesToHex(t.u)).toBe(e.u);
            expect(bytesToHex(t.v)).toBe(e.v);
            expect(t.c).toBe(toInt(e.c));
            expect(t.s).toBe(toInt(e.s));
            expect(impl.nonce(sk, t.h)).toBe(toInt(e.k));
            if (e.k_string) expect(toInt(e.k_string) % curve.order).toBe(t.k);
            const direct = impl.proveWithOutput(sk, alpha);
            expect([bytesToHex(direct.pi), bytesToHex(direct.beta)]).toEqual([e.pi, e.beta]);
          });

          if (e.tai_ctr !== undefined) {
            it('try-and-increment counter', () => {
              expect(impl.encodeToCurve(hex(e.pk), alpha)).toEqual({ h: hex(e.h), ctr: e.tai_ctr });
            });
          } else {
            it('hash-to-curve uniform bytes and field element u', () => {
              const d = h2cDst[name as keyof typeof h2cDst];
              const dst = concatBytes(utf8ToBytes('ECVRF_' + d.id), Uint8Array.of(d.suite));
              const msg = concatBytes(hex(e.pk), alpha);
              expect(bytesToHex(expand_message_xmd(msg, dst, 48, d.hash))).toBe(e.h2c_uniform_bytes);
              const u = impl.hashToField(hex(e.pk), alpha);
              expect(u).toBe(curve.bytesToInt(hex(e.h2c_u!)));
              expect(impl.encodeToCurve(hex(e.pk), alpha).h).toEqual(hex(e.h));
              if (e.h2c_x1) {
                // Simplified SWU on P-256 (RFC 9380 section 6.6.2, Z = -10): H.x is x1 when
                // g(x1) is square, else Z * u^2 * x1.
                const Fp = p256.Point.Fp;
                const x1 = bytesToNumberBE(hex(e.h2c_x1));
                const x = e.h2c_gx1_is_square ? x1 : Fp.mul(Fp.mul(Fp.neg(10n), Fp.sqr(u)), x1);
                expect(bytesToNumberBE(hex(e.h).subarray(1))).toBe(x);
              }
              if (e.h2c_gx1) {
                // Elligator 2 on curve25519 (RFC 9380 section 6.7.1, Z = 2, J = 486662):
                // x1 = -J / (1 + 2 u^2), gx1 = x1^3 + J x1^2 + x1.
                const Fp = ed25519.Point.Fp;
                const J = 486662n;
                const x1 = Fp.div(Fp.neg(J), Fp.add(1n, Fp.mul(2n, Fp.sqr(u))));
                const gx1 = Fp.add(Fp.add(Fp.pow(x1, 3n), Fp.mul(J, Fp.sqr(x1))), x1);
                expect(gx1).toBe(bytesToNumberLE(hex(e.h2c_gx1)));
                expect(FpIsSquare(Fp, gx1)).toBe(e.h2c_gx1_is_square);
              }
            });
          }
        });
      }
    });
  }
});
