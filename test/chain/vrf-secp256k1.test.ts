import { JsonRpcProvider, type Contract } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { getSuite } from '../../vrf/index.ts';
import { encodeWitnesses, fastVerifyWitnesses, unverifiedWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { deployHarness, witnessArg } from '../helpers/vrf-secp256k1-harness.ts';
import { candidate, ctrOf, decodes, forgeAtCounter } from '../helpers/secp256k1-forgery.ts';

const P = secp256k1.Point.Fp.ORDER;
const N = secp256k1.Point.Fn.ORDER;
const te = new TextEncoder();
const suite = getSuite('ECVRF-SECP256K1-SHA256-TAI');

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
      if (ctrOf(suite.publicKey(sk), alpha) >= 5) break;
    }
    const { pk, pi } = proven(sk, alpha);
    const w = fastVerifyWitnesses(pk, pi, alpha);
    expect(w.ctr).toBeGreaterThanOrEqual(5);
    expect(await fastOnChain(pk, pi, alpha, w)).toBe(true);
    expect(await verifyOnChain(pk, pi, alpha)).toBe(true);
    expect(await fastOnChain(pk, pi, alpha, { ...w, ctr: w.ctr - 1 })).toBe(false);
    expect(await fastOnChain(pk, pi, alpha, { ...w, ctr: w.ctr + 1 })).toBe(false);
  });

  it('refuses a proof built on a later counter\'s point, by the root and by Euler\'s criterion', async () => {
    // ctr 0 honest, counter 1 decodes too: the root slot for counter 0 cannot be filled.
    // ctr 4 honest (0..3 fail, rooted), counter 5 decodes too: only Euler's criterion on counter 4 catches it.
    for (const [honest, forged] of [[0, 1], [4, 5]] as const) {
      let alpha = new Uint8Array(0);
      const pk = suite.publicKey(sk);
      for (let i = 0; ; i++) {
        alpha = te.encode(`forge-${honest}-${i}`);
        if (ctrOf(pk, alpha) === honest && decodes(candidate(pk, alpha, forged))) break;
      }
      const f = forgeAtCounter(sk, alpha, forged);
      expect(f.pk).toEqual(pk);
      expect(suite.verify(f.pk, f.alpha, f.pi).valid).toBe(false);
      expect(await verifyOnChain(f.pk, f.pi, f.alpha)).toBe(false);
      expect(await fastOnChain(f.pk, f.pi, f.alpha, f.w), `ctr ${forged} claimed, ${honest} decodes`).toBe(false);
      // Control: the same construction at the honest counter is a valid proof, and passes.
      const h = forgeAtCounter(sk, alpha, honest);
      expect(suite.verify(h.pk, h.alpha, h.pi).valid).toBe(true);
      expect(await fastOnChain(h.pk, h.pi, h.alpha, h.w)).toBe(true);
    }
  });

  it('refuses a key holder\'s proof whose Gamma is not x*H, with a V witness that matches c', async () => {
    // The prover knows x, picks any Gamma and V, and makes U = k*B and s = k + c*x hold; only
    // the check that V = s*H - c*Gamma stands in its way.
    const { Point } = secp256k1;
    const alpha = te.encode('wrong gamma');
    const x = bytesToNumberBE(sk);
    const pk = suite.publicKey(sk);
    const h = concatBytes(Uint8Array.of(2), numberToBytesBE(candidate(pk, alpha, ctrOf(pk, alpha)), 32));
    const H = Point.fromBytes(h);
    const [Gamma, k, V] = [H.multiply(x + 1n), 0x4242n, Point.BASE.multiply(0x777n)];
    const U = Point.BASE.multiply(k);
    const digest = sha256(concatBytes(Uint8Array.of(0xfe, 0x02), pk, h, Gamma.toBytes(true), U.toBytes(true), V.toBytes(true), Uint8Array.of(0)));
    const c = bytesToNumberBE(digest.subarray(0, 16));
    const s = (k + c * x) % N;
    const pi = concatBytes(Gamma.toBytes(true), numberToBytesBE(c, 16), numberToBytesBE(s, 32));
    const honest = fastVerifyWitnesses(pk, suite.prove(sk, alpha), alpha);
    const xy = (pt: typeof H) => [pt.toAffine().x, pt.toAffine().y] as const;
    const w = { ...honest, u: xy(U), sH: xy(H.multiply(s)), cGamma: xy(Gamma.multiply(c)), v: xy(V) };
    expect(suite.verify(pk, alpha, pi).valid).toBe(false);
    expect(await verifyOnChain(pk, pi, alpha)).toBe(false);
    expect(await fastOnChain(pk, pi, alpha, w)).toBe(false);
    // And with an s*H witness that makes the addition hold: the ecrecover check on s*H refuses it.
    const fakeSH = V.add(Gamma.multiply(c));
    expect(await fastOnChain(pk, pi, alpha, { ...w, sH: xy(fakeSH) })).toBe(false);
    // Or a c*Gamma witness that does: the ecrecover check on c*Gamma refuses it.
    const fakeCGamma = H.multiply(s).subtract(V);
    expect(await fastOnChain(pk, pi, alpha, { ...w, cGamma: xy(fakeCGamma) })).toBe(false);
  });

  it('refuses a proof made without the key (Gamma = g*H, V = t*H, U chosen freely)', async () => {
    // Without x, s*B - c*Y cannot be steered: only the ecrecover check on U stands in the way.
    const { Point } = secp256k1;
    const alpha = te.encode('no key');
    const pk = suite.publicKey(sk);
    const h = concatBytes(Uint8Array.of(2), numberToBytesBE(candidate(pk, alpha, ctrOf(pk, alpha)), 32));
    const H = Point.fromBytes(h);
    const [g, t] = [0x5151n, 0x6262n];
    const [Gamma, V, U] = [H.multiply(g), H.multiply(t), Point.BASE.multiply(0x7373n)];
    const digest = sha256(concatBytes(Uint8Array.of(0xfe, 0x02), pk, h, Gamma.toBytes(true), U.toBytes(true), V.toBytes(true), Uint8Array.of(0)));
    const c = bytesToNumberBE(digest.subarray(0, 16));
    const s = (t + c * g) % N; // so that s*H - c*Gamma = V
    const pi = concatBytes(Gamma.toBytes(true), numberToBytesBE(c, 16), numberToBytesBE(s, 32));
    const honest = fastVerifyWitnesses(pk, suite.prove(sk, alpha), alpha);
    const xy = (pt: typeof H) => [pt.toAffine().x, pt.toAffine().y] as const;
    const w = { ...honest, u: xy(U), sH: xy(H.multiply(s)), cGamma: xy(Gamma.multiply(c)), v: xy(V) };
    expect(suite.verify(pk, alpha, pi).valid).toBe(false);
    expect(await verifyOnChain(pk, pi, alpha)).toBe(false);
    expect(await fastOnChain(pk, pi, alpha, w)).toBe(false);
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
    // A point whose x is in [n, p): ecrecover cannot take it, so fastVerify falls back to verify.
    const highX = (() => {
      for (let x = N; ; x++) if (decodes(x)) return x;
    })();
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['pk x in [n, p) on the curve (fallback)', withX(pk, highX), pi],
      ['Gamma x in [n, p) on the curve (fallback)', pk, withX(pi, highX)],
      ['c = 0 (fallback)', pk, concatBytes(pi.subarray(0, 33), new Uint8Array(16), pi.subarray(49))],
      ['s = 0 (fallback)', pk, concatBytes(pi.subarray(0, 49), new Uint8Array(32))],
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
      else {
        expect(() => fastVerifyWitnesses(t.pk, t.pi, t.alpha), label).toThrow();
        // The values a verifier computes from the tampered input, where it decodes: refused on the challenge.
        let honest: Secp256k1Witnesses | undefined;
        try {
          honest = unverifiedWitnesses(t.pk, t.pi, t.alpha);
        } catch {
          honest = undefined; // does not decode: nothing to compute
        }
        if (honest) expect(await fastOnChain(t.pk, t.pi, t.alpha, honest), `${label}, the verifier's own values`).toBe(false);
      }
      // The untouched proof still passes both (control).
      if (round < 4) expect(await fastOnChain(original.pk, original.pi, original.alpha, w), label).toBe(true);
    }
  }, 120_000);
});
