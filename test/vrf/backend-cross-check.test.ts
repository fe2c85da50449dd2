/**
 * The libsodium fast path against the `@noble/curves` reference on random keys and inputs: the
 * same public keys, byte-identical pi and beta, each backend's proofs accepted by the other, and
 * the same verdict and reason on proofs with random damage (which exercises every fallback). The
 * inputs come from fast-check with the seed printed; TEST_SEED=<n> replays them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { propertyParams } from '../helpers/seed.ts';
import { getSuite, vrfBackend, vrfReady } from '../../vrf/index.ts';
import { isRawSodium } from '../../vrf/sodium-raw.ts';
import { ECVRF_SECP256K1_SHA256_TAI } from '../../vrf/suites.ts';
import { suiteOn } from './backends.ts';

const ED_SUITES = ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-EDWARDS25519-SHA512-ELL2'] as const;
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const alpha = fc.uint8Array({ maxLength: 64 });

for (const name of ED_SUITES) {
  const noble = suiteOn('noble', name);
  const sodium = suiteOn('libsodium', name);

  describe(`${name}: libsodium against the noble reference`, () => {
    it('gives the same public key, pi and beta, and each accepts the other one\'s proofs', () => {
      fc.assert(
        fc.property(key, alpha, (sk, a) => {
          const pk = noble.publicKey(sk);
          expect(bytesToHex(sodium.publicKey(sk))).toBe(bytesToHex(pk));
          const pi = noble.prove(sk, a);
          expect(bytesToHex(sodium.prove(sk, a))).toBe(bytesToHex(pi));
          const byNoble = noble.verify(pk, a, pi);
          expect(byNoble.valid).toBe(true);
          expect(sodium.verify(pk, a, pi)).toEqual(byNoble);
          expect(noble.verify(pk, a, sodium.prove(sk, a))).toEqual(byNoble);
          expect(bytesToHex(sodium.proofToHash(pi))).toBe(bytesToHex(noble.proofToHash(pi)));
          const out = sodium.proveWithOutput(sk, a);
          expect([bytesToHex(out.pi), bytesToHex(out.beta)]).toEqual([bytesToHex(pi), bytesToHex(byNoble.valid ? byNoble.beta : new Uint8Array())]);
        }),
        propertyParams(`${name} cross-check`, { numRuns: 40 }),
      );
    });

    it('gives the same verdict and reason on damaged proofs, keys and inputs', () => {
      const sk = new Uint8Array(32).fill(0x42);
      const pk = noble.publicKey(sk);
      const damage = fc.record({ part: fc.constantFrom('pk', 'pi', 'alpha'), at: fc.nat(79), bits: fc.integer({ min: 1, max: 255 }) });
      fc.assert(
        fc.property(alpha, damage, (a, { part, at, bits }) => {
          const pi = noble.prove(sk, a);
          const bad = { pk: pk.slice(), pi: pi.slice(), alpha: a.length ? a.slice() : Uint8Array.of(0) };
          const target = bad[part as keyof typeof bad];
          target[at % target.length] = target[at % target.length]! ^ bits;
          const expected = noble.verify(bad.pk, bad.alpha, bad.pi);
          expect(sodium.verify(bad.pk, bad.alpha, bad.pi)).toEqual(expected);
          // proofToHash takes any decodable proof, valid or not: same beta, or the same throw.
          const hashOf = (s: typeof noble) => {
            try {
              return bytesToHex(s.proofToHash(bad.pi));
            } catch (e) {
              return (e as Error).message;
            }
          };
          expect(hashOf(sodium)).toBe(hashOf(noble));
        }),
        propertyParams(`${name} cross-check damaged`, { numRuns: 60 }),
      );
    });
  });
}

describe('keys and Gammas of mixed order (a torsion component; validate_key lets them through)', () => {
  // libsodium refuses points outside the prime-order subgroup; the reference must then decide.
  const t8 = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  for (const name of ED_SUITES) {
    it(`${name}: the same verdict and reason as the reference`, () => {
      const [noble, sodium] = [suiteOn('noble', name), suiteOn('libsodium', name)];
      const sk = new Uint8Array(32).fill(0x17);
      const a = Uint8Array.of(9);
      const pk = noble.publicKey(sk);
      const pi = noble.prove(sk, a);
      const mixedPk = ed25519.Point.fromBytes(pk).add(t8).toBytes();
      const mixedGamma = concatBytes(ed25519.Point.fromBytes(pi.subarray(0, 32)).add(t8).toBytes(), pi.subarray(32));
      for (const [k, p] of [[mixedPk, pi], [pk, mixedGamma], [mixedPk, mixedGamma]] as const) {
        const expected = noble.verify(k, a, p);
        expect(expected.valid).toBe(false);
        expect(sodium.verify(k, a, p)).toEqual(expected);
      }
      expect(bytesToHex(sodium.proofToHash(mixedGamma))).toBe(bytesToHex(noble.proofToHash(mixedGamma)));
    });
  }
});

describe('vrfReady', () => {
  it('uses the raw WebAssembly exports of this libsodium build (the path the tests above check)', async () => {
    const sodium = (await import('libsodium-wrappers-sumo')).default;
    await sodium.ready;
    expect(isRawSodium((sodium as { libsodium?: unknown }).libsodium)).toBe(true);
  });

  it('switches the edwards25519 suites to libsodium with the same results, and leaves P-256 and secp256k1 alone', async () => {
    const sk = new Uint8Array(32).fill(7);
    const a = Uint8Array.of(1, 2, 3);
    const before = ED_SUITES.map((n) => getSuite(n).prove(sk, a));
    const p256Before = getSuite('ECVRF-P256-SHA256-TAI').prove(sk, a);
    const k1Before = getSuite('ECVRF-SECP256K1-SHA256-TAI').prove(sk, a);
    expect(vrfBackend()).toBe('noble');
    expect(await vrfReady()).toBe('libsodium');
    expect(await vrfReady()).toBe('libsodium'); // idempotent
    expect(vrfBackend()).toBe('libsodium');
    ED_SUITES.forEach((n, i) => expect(bytesToHex(getSuite(n).prove(sk, a))).toBe(bytesToHex(before[i]!)));
    expect(bytesToHex(getSuite('ECVRF-P256-SHA256-TAI').prove(sk, a))).toBe(bytesToHex(p256Before));
    expect(bytesToHex(getSuite('ECVRF-SECP256K1-SHA256-TAI').prove(sk, a))).toBe(bytesToHex(k1Before));
    // Not switched at all: the registered object is the noble suite itself (libsodium has no secp256k1).
    expect(getSuite('ECVRF-SECP256K1-SHA256-TAI')).toBe(ECVRF_SECP256K1_SHA256_TAI);
  });
});
