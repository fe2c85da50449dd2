/**
 * Cheating provers for the VrfSecp256k1 tests: the try-and-increment candidates of a key and
 * alpha, and a proof built honestly on a later counter's point than the suite's (one whose beta
 * is not the VRF's), with witnesses consistent with it. Tests only.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';

const P = secp256k1.Point.Fp.ORDER;
const N = secp256k1.Point.Fn.ORDER;

export interface ForgedProof {
  pk: Uint8Array;
  alpha: Uint8Array;
  pi: Uint8Array;
  w: Secp256k1Witnesses;
}

/** hash_i of try-and-increment as an integer (0x02 || it is the candidate point). */
export const candidate = (pk: Uint8Array, alpha: Uint8Array, i: number): bigint =>
  bytesToNumberBE(sha256(concatBytes(Uint8Array.of(0xfe, 0x01), pk, alpha, Uint8Array.of(i, 0))));
export const decodes = (x: bigint): boolean => {
  try {
    secp256k1.Point.fromBytes(concatBytes(Uint8Array.of(2), numberToBytesBE(x, 32)));
    return x < P;
  } catch {
    return false;
  }
};

/** The try-and-increment counter of (pk, alpha): the first whose candidate decodes. */
export const ctrOf = (pk: Uint8Array, alpha: Uint8Array): number => {
  for (let i = 0; ; i++) if (decodes(candidate(pk, alpha, i))) return i;
};

/**
 * A cheating prover's proof: honest in every step but built on the point of counter `ctr` when
 * an earlier counter already decodes, so its beta is not the VRF's. With the witnesses that
 * claim that counter, each consistent with the forged proof (roots for counters that do fail).
 */
export function forgeAtCounter(sk: Uint8Array, alpha: Uint8Array, ctr: number): ForgedProof {
  const { Point } = secp256k1;
  const x = bytesToNumberBE(sk);
  const pk = Point.BASE.multiply(x).toBytes(true);
  const H = Point.fromBytes(concatBytes(Uint8Array.of(2), numberToBytesBE(candidate(pk, alpha, ctr), 32)));
  const k = 0x1234567n + BigInt(ctr);
  const [Gamma, U, V] = [H.multiply(x), Point.BASE.multiply(k), H.multiply(k)];
  const digest = sha256(concatBytes(Uint8Array.of(0xfe, 0x02), pk, H.toBytes(true), Gamma.toBytes(true), U.toBytes(true), V.toBytes(true), Uint8Array.of(0)));
  const c = bytesToNumberBE(digest.subarray(0, 16));
  const s = (k + c * x) % N;
  const pi = concatBytes(Gamma.toBytes(true), numberToBytesBE(c, 16), numberToBytesBE(s, 32));
  const xy = (pt: typeof H) => [pt.toAffine().x, pt.toAffine().y] as const;
  const roots = [0, 1, 2, 3].map((i) => {
    const xi = candidate(pk, alpha, i);
    if (i >= ctr || xi >= P) return 0n;
    const a = (P - ((xi ** 3n + 7n) % P)) % P;
    try {
      const r = secp256k1.Point.Fp.sqrt(a);
      return r % 2n ? P - r : r;
    } catch {
      return 0n; // hash_i decodes: no root exists, and any value is refused
    }
  }) as [bigint, bigint, bigint, bigint];
  const w = { ctr, nonResidueRoots: roots, u: xy(U), sH: xy(H.multiply(s)), cGamma: xy(Gamma.multiply(c)), v: xy(V) };
  return { pk, alpha, pi, w };
}
