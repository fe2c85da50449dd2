import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { encodeWitnesses, fastVerifyWitnesses, InvalidProofError, ROOT_SLOTS } from '../../vrf/secp256k1-witnesses.ts';
import { seededRandom } from '../helpers/seed.ts';
import { getSuite } from '../../vrf/index.ts';
import { internalSuites } from '../../vrf/suites.ts';

const { Point } = secp256k1;
const P = Point.Fp.ORDER;
const N = Point.Fn.ORDER;
const te = new TextEncoder();
const suite = getSuite('ECVRF-SECP256K1-SHA256-TAI');
/** The suite's internals, for the counter and H that vrf/ itself finds. */
const internals = internalSuites['ECVRF-SECP256K1-SHA256-TAI']!;
const sk = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const compressed = (xy: readonly [bigint, bigint]) => Point.fromAffine({ x: xy[0], y: xy[1] }).toBytes(true);

describe('fastVerifyWitnesses (ECVRF-SECP256K1-SHA256-TAI)', () => {
  it('gives, for random valid proofs, witnesses that satisfy what the contract checks (seeded)', () => {
    const rng = seededRandom('secp256k1 witnesses');
    for (let round = 0; round < 40; round++) {
      const key = Uint8Array.from({ length: 32 }, () => rng.int(0, 255));
      key[0] = 0x7f; // below n
      const alpha = Uint8Array.from({ length: rng.int(0, 200) }, () => rng.int(0, 255));
      const pk = suite.publicKey(key);
      const pi = suite.prove(key, alpha);
      const w = fastVerifyWitnesses(pk, pi, alpha);
      const { h, ctr } = internals.encodeToCurve(pk, alpha);
      expect(w.ctr).toBe(ctr);
      // Every counter below ctr fails, shown by its root; slots from ctr on are 0.
      for (let i = 0; i < ROOT_SLOTS; i++) {
        const x = bytesToNumberBE(sha256(concatBytes(Uint8Array.of(0xfe, 0x01), pk, alpha, Uint8Array.of(i, 0))));
        const root = w.nonResidueRoots[i]!;
        if (i >= w.ctr || x >= P) expect(root).toBe(0n);
        else {
          expect(root % 2n).toBe(0n);
          expect((root * root + x ** 3n + 7n) % P).toBe(0n);
        }
      }
      const H = Point.fromBytes(h);
      const Gamma = Point.fromBytes(pi.subarray(0, 33));
      const c = bytesToNumberBE(pi.subarray(33, 49));
      const s = bytesToNumberBE(pi.subarray(49));
      expect(compressed(w.sH)).toEqual(H.multiply(s).toBytes(true));
      expect(compressed(w.cGamma)).toEqual(Gamma.multiply(c).toBytes(true));
      // U and V are the points whose challenge is c.
      const digest = sha256(concatBytes(Uint8Array.of(0xfe, 0x02), pk, h, pi.subarray(0, 33), compressed(w.u), compressed(w.v), Uint8Array.of(0)));
      expect(bytesToNumberBE(digest.subarray(0, 16))).toBe(c);
    }
  });

  it('encodes the witnesses as 13 words in the struct order (416 bytes)', () => {
    const alpha = te.encode('layout');
    const pk = suite.publicKey(sk);
    const w = fastVerifyWitnesses(pk, suite.prove(sk, alpha), alpha);
    const bytes = encodeWitnesses(w);
    expect(bytes.length).toBe(416);
    const word = (i: number) => bytesToNumberBE(bytes.subarray(32 * i, 32 * i + 32));
    expect(word(0)).toBe(BigInt(w.ctr));
    expect([1, 2, 3, 4].map(word)).toEqual([...w.nonResidueRoots]);
    expect([5, 6, 7, 8, 9, 10, 11, 12].map(word)).toEqual([...w.u, ...w.sH, ...w.cGamma, ...w.v]);
  });

  it('refuses an invalid proof with the reason', () => {
    const alpha = te.encode('sample');
    const pk = suite.publicKey(sk);
    const pi = suite.prove(sk, alpha);
    const flipped = pi.slice();
    flipped[40] = flipped[40]! ^ 1;
    const cases: [Uint8Array, Uint8Array, Uint8Array, RegExp][] = [
      [pk, flipped, alpha, /challenge does not match/],
      [pk, pi, te.encode('sample!'), /challenge does not match/],
      [suite.publicKey(Uint8Array.from({ length: 32 }, () => 9)), pi, alpha, /challenge does not match/],
      [pk, pi.subarray(0, 80), alpha, /81 bytes/],
      [concatBytes(Uint8Array.of(4), pk.subarray(1)), pi, alpha, /public key is not a 33-byte compressed point/],
      [pk, concatBytes(Uint8Array.of(2), numberToBytesBE(P, 32), pi.subarray(33)), alpha, /Gamma is not a point/],
      [pk, concatBytes(pi.subarray(0, 49), numberToBytesBE(N, 32)), alpha, /s is not less/],
    ];
    for (const [k, p, a, reason] of cases) {
      expect(suite.verify(k, a, p).valid).toBe(false);
      expect(() => fastVerifyWitnesses(k, p, a)).toThrow(InvalidProofError);
      expect(() => fastVerifyWitnesses(k, p, a)).toThrow(reason);
    }
  });

  it('bundles for the browser with @noble alone and gives the same witnesses there', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const result = await build({
      stdin: { contents: `export * from './vrf/secp256k1-witnesses.ts';`, resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'bundle',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => !(i === '<stdin>' || i === 'vrf/secp256k1-witnesses.ts' || /(^|\/)node_modules\/@noble\//.test(i)))).toEqual([]);
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${result.outputFiles![0]!.text}; globalThis.bundle = bundle;`, sandbox);
    const lib = sandbox['bundle'] as typeof import('../../vrf/secp256k1-witnesses.ts');
    const alpha = te.encode('browser');
    const pk = suite.publicKey(sk);
    const pi = suite.prove(sk, alpha);
    expect(Array.from(lib.encodeWitnesses(lib.fastVerifyWitnesses(pk, pi, alpha)))).toEqual(Array.from(encodeWitnesses(fastVerifyWitnesses(pk, pi, alpha))));
  });
});
