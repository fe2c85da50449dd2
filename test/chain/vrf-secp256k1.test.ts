import { JsonRpcProvider, type Contract } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { encodeWitnesses, fastVerifyWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { SECP256K1_SUITE as suite } from '../helpers/secp256k1-suite.ts';
import { deployHarness, witnessArg } from '../helpers/vrf-secp256k1-harness.ts';

const P = secp256k1.Point.Fp.ORDER;
const N = secp256k1.Point.Fn.ORDER;
const te = new TextEncoder();

let node: AnvilNode;
let provider: JsonRpcProvider;
let harness: Contract;

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  harness = await deployHarness(await provider.getSigner(0));
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

const verifyOnChain = (pk: Uint8Array, pi: Uint8Array, alpha: Uint8Array): Promise<boolean> =>
  harness.getFunction('verify')(pk, pi, alpha) as Promise<boolean>;
const fastOnChain = (pk: Uint8Array, pi: Uint8Array, alpha: Uint8Array, w: Secp256k1Witnesses): Promise<boolean> =>
  harness.getFunction('fastVerify')(pk, pi, alpha, witnessArg(w)) as Promise<boolean>;

function randomBytes(rng: SeededRandom, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.int(0, 255));
}

/** A secret key in [1, n-1] from the seeded generator. */
function randomSecretKey(rng: SeededRandom): Uint8Array {
  for (;;) {
    const sk = randomBytes(rng, 32);
    const x = BigInt('0x' + Buffer.from(sk).toString('hex'));
    if (x > 0n && x < N) return sk;
  }
}

interface Case {
  pk: Uint8Array;
  alpha: Uint8Array;
  pi: Uint8Array;
}

function proven(sk: Uint8Array, alpha: Uint8Array): Case {
  return { pk: suite.publicKey(sk), alpha, pi: suite.prove(sk, alpha) };
}

/** The witnesses struct back from its 416 abi-encoded bytes. */
function decodeWitnesses(bytes: Uint8Array): Secp256k1Witnesses {
  const w = Array.from({ length: 13 }, (_, i) => BigInt('0x' + Buffer.from(bytes.subarray(32 * i, 32 * i + 32)).toString('hex')));
  return {
    ctr: w[0]! > 255n ? 256 : Number(w[0]),
    nonResidueRoots: [w[1]!, w[2]!, w[3]!, w[4]!],
    u: [w[5]!, w[6]!],
    sH: [w[7]!, w[8]!],
    cGamma: [w[9]!, w[10]!],
    v: [w[11]!, w[12]!],
  };
}

describe('VrfSecp256k1 on a real node (anvil)', () => {
  const sk = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const alphas = [new Uint8Array(0), Uint8Array.of(0x72), te.encode('sample'), te.encode('x'.repeat(200))];

  it('accepts valid proofs with verify and fastVerify, and beta matches vrf/', async () => {
    for (const alpha of alphas) {
      const { pk, pi } = proven(sk, alpha);
      const result = suite.verify(pk, alpha, pi);
      expect(result.valid).toBe(true);
      expect(await verifyOnChain(pk, pi, alpha)).toBe(true);
      expect(await fastOnChain(pk, pi, alpha, fastVerifyWitnesses(pk, pi, alpha))).toBe(true);
      if (result.valid) expect(await harness.getFunction('proofToHash')(pi)).toBe('0x' + Buffer.from(result.beta).toString('hex'));
    }
  });

  it('checks counters past the root slots with Euler\'s criterion (an alpha whose ctr >= 5)', async () => {
    let alpha = new Uint8Array(0);
    for (let i = 0; ; i++) {
      alpha = te.encode(`ctr-search-${i}`);
      const { ctr } = suite.encodeToCurve(suite.publicKey(sk), alpha);
      if (ctr !== undefined && ctr >= 5) break;
    }
    const { pk, pi } = proven(sk, alpha);
    const w = fastVerifyWitnesses(pk, pi, alpha);
    expect(w.ctr).toBeGreaterThanOrEqual(5);
    expect(await fastOnChain(pk, pi, alpha, w)).toBe(true);
    expect(await verifyOnChain(pk, pi, alpha)).toBe(true);
    expect(await fastOnChain(pk, pi, alpha, { ...w, ctr: w.ctr - 1 })).toBe(false);
    expect(await fastOnChain(pk, pi, alpha, { ...w, ctr: w.ctr + 1 })).toBe(false);
  });

  it('refuses wrong witnesses for a valid proof', async () => {
    const alpha = te.encode('sample');
    const { pk, pi } = proven(sk, alpha);
    const w = fastVerifyWitnesses(pk, pi, alpha);
    const o = proven(sk, te.encode('other'));
    const other = fastVerifyWitnesses(o.pk, o.pi, o.alpha);
    const neg = (pt: readonly [bigint, bigint]) => [pt[0], P - pt[1]] as const;
    const wrong: [string, Secp256k1Witnesses][] = [
      ['another alpha\'s witnesses', other],
      ['U and V swapped', { ...w, u: w.v, v: w.u }],
      ['-U', { ...w, u: neg(w.u) }],
      ['-V', { ...w, v: neg(w.v) }],
      ['s*H and c*Gamma swapped', { ...w, sH: w.cGamma, cGamma: w.sH }],
      ['U.x + 1', { ...w, u: [w.u[0] + 1n, w.u[1]] }],
      ['V.x + 1', { ...w, v: [w.v[0] + 1n, w.v[1]] }],
      ['an odd root (p - w) for a failed counter', { ...w, ctr: 1, nonResidueRoots: [1n, 0n, 0n, 0n] }],
      ['a nonzero unused root slot', { ...w, nonResidueRoots: [w.nonResidueRoots[0], w.nonResidueRoots[1], w.nonResidueRoots[2], 2n] }],
      ['ctr 256', { ...w, ctr: 256 }],
    ];
    for (const [what, bad] of wrong) {
      expect(await fastOnChain(pk, pi, alpha, bad), what).toBe(false);
    }
  });

  it('decodes as strictly as vrf/: prefixes, x >= p, off-curve x, s >= n, lengths', async () => {
    const alpha = te.encode('sample');
    const { pk, pi } = proven(sk, alpha);
    const w = fastVerifyWitnesses(pk, pi, alpha);
    const withX = (bytes: Uint8Array, x: bigint) => concatBytes(bytes.subarray(0, 1), numberToBytesBE(x, 32), bytes.subarray(33));
    const offCurve = (() => {
      for (let x = 1n; ; x++) {
        try {
          secp256k1.Point.fromBytes(concatBytes(Uint8Array.of(2), numberToBytesBE(x, 32)));
        } catch {
          return x;
        }
      }
    })();
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['pk prefix 0x04', concatBytes(Uint8Array.of(4), pk.subarray(1)), pi],
      ['pk prefix 0x00', concatBytes(Uint8Array.of(0), pk.subarray(1)), pi],
      ['pk x = p', withX(pk, P), pi],
      ['pk x = p + 1', withX(pk, P + 1n), pi],
      ['pk x off the curve', withX(pk, offCurve), pi],
      ['pk 32 bytes', pk.subarray(0, 32), pi],
      ['pk 34 bytes', concatBytes(pk, Uint8Array.of(0)), pi],
      ['Gamma prefix 0x04', pk, concatBytes(Uint8Array.of(4), pi.subarray(1))],
      ['Gamma x = p', pk, withX(pi, P)],
      ['Gamma x off the curve', pk, withX(pi, offCurve)],
      ['s = n', pk, concatBytes(pi.subarray(0, 49), numberToBytesBE(N, 32))],
      ['s = 2^256 - 1', pk, concatBytes(pi.subarray(0, 49), numberToBytesBE(2n ** 256n - 1n, 32))],
      ['s = n + 1', pk, concatBytes(pi.subarray(0, 49), numberToBytesBE(N + 1n, 32))],
      ['proof 80 bytes', pk, pi.subarray(0, 80)],
      ['proof 82 bytes', pk, concatBytes(pi, Uint8Array.of(0))],
    ];
    for (const [what, badPk, badPi] of cases) {
      expect(suite.verify(badPk, alpha, badPi).valid, what).toBe(false);
      expect(await verifyOnChain(badPk, badPi, alpha), what).toBe(false);
      expect(await fastOnChain(badPk, badPi, alpha, w), what).toBe(false);
    }
  });

  it('refuses exactly what vrf/ refuses under random tampering, and accepts what it accepts (seeded)', async () => {
    const rng = seededRandom('vrf-secp256k1 tampering');
    for (let round = 0; round < 48; round++) {
      const r = rng.fork(`round ${round}`);
      const original = proven(randomSecretKey(r), randomBytes(r, r.int(0, 200)));
      const w = fastVerifyWitnesses(original.pk, original.pi, original.alpha);
      const target = (['pk', 'pi', 'alpha', 'witnesses'] as const)[round % 4]!;
      const flip = (bytes: Uint8Array): Uint8Array => {
        const copy = bytes.slice();
        if (copy.length === 0) return Uint8Array.of(r.int(0, 255)); // an empty alpha grows a byte
        const i = r.int(0, copy.length - 1);
        copy[i] = copy[i]! ^ r.int(1, 255);
        return copy;
      };
      const label = `round ${round}, ${target}`;
      if (target === 'witnesses') {
        const bad = decodeWitnesses(flip(encodeWitnesses(w)));
        expect(await fastOnChain(original.pk, original.pi, original.alpha, bad), label).toBe(false);
        continue;
      }
      const t = { ...original, [target]: flip(original[target]) };
      const expected = suite.verify(t.pk, t.alpha, t.pi).valid;
      expect(await verifyOnChain(t.pk, t.pi, t.alpha), label).toBe(expected);
      expect(await fastOnChain(t.pk, t.pi, t.alpha, w), `${label}, the original witnesses`).toBe(false);
      if (expected) expect(await fastOnChain(t.pk, t.pi, t.alpha, fastVerifyWitnesses(t.pk, t.pi, t.alpha)), label).toBe(true);
      else expect(() => fastVerifyWitnesses(t.pk, t.pi, t.alpha), label).toThrow();
      // The untouched proof still passes both (control).
      if (round < 4) expect(await fastOnChain(original.pk, original.pi, original.alpha, w), label).toBe(true);
    }
  }, 120_000);
});
