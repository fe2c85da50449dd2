/**
 * A second, independent ECVRF on secp256k1 for the tests: raw `@noble/curves` point arithmetic and
 * `@noble/hashes` SHA-256, with none of `vrf/ecvrf.ts`, `vrf/curves.ts` or `vrf/scalar-mul.ts`.
 * Its nonce comes from noble's own RFC 6979 ECDSA code (k recovered from a signature), not from
 * the HMAC-DRBG that `vrf/curves.ts` drives. The byte rules are parameters, so the same code
 * recomputes our vectors (RFC 9381 rules) and the published ones (earlier drafts): what differs
 * between them is exactly these parameters.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

const { Point } = secp256k1;
type K1Point = InstanceType<typeof Point>;
export const N = Point.Fn.ORDER;
const SUITE = 0xfe;

/** The byte-level rules that tell RFC 9381 from the drafts the published vectors follow. */
export interface Rules {
  /** A 0x00 back byte ends the hash_to_curve, challenge and proof_to_hash inputs (RFC 9381, draft-10). */
  readonly backByte: boolean;
  /** The challenge hashes Y before H, Gamma, U, V (RFC 9381 only). */
  readonly keyInChallenge: boolean;
  /** The 32 bytes RFC 6979 is run on as the message digest, from point_to_string(H). */
  readonly nonceDigest: (hString: Uint8Array) => Uint8Array;
}

export const RFC9381: Rules = { backByte: true, keyInChallenge: true, nonceDigest: (h) => sha256(h) };
export const DRAFT_06: Rules = { ...RFC9381, backByte: false, keyInChallenge: false };
/** witnet: draft-06 hashing, and RFC 6979 run on H's first 32 bytes instead of SHA-256(H). */
export const WITNET: Rules = { ...DRAFT_06, nonceDigest: (h) => h.subarray(0, 32) };

const enc = (p: K1Point): Uint8Array => p.toBytes(true);

/**
 * RFC 6979 k for (sk, digest) as noble's ECDSA derives it: sign without prehash and without
 * low-s normalisation, then solve s = k^-1 (z + r*x) for k.
 */
export function rfc6979Nonce(sk: Uint8Array, digest: Uint8Array): bigint {
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, sk, { prehash: false, lowS: false }));
  const z = bytesToNumberBE(digest) % N;
  const x = bytesToNumberBE(sk);
  const inv = Point.Fn.inv(sig.s);
  return Point.Fn.mul(Point.Fn.add(z, Point.Fn.mul(sig.r, x)), inv);
}

/** hash_to_curve by try-and-increment: the point and the counter that produced it. */
export function hashToCurve(pk: Uint8Array, alpha: Uint8Array, rules: Rules): { H: K1Point; ctr: number } {
  const back = rules.backByte ? Uint8Array.of(0) : Uint8Array.of();
  for (let ctr = 0; ctr < 256; ctr++) {
    const digest = sha256(concatBytes(Uint8Array.of(SUITE, 0x01), pk, alpha, Uint8Array.of(ctr), back));
    try {
      return { H: Point.fromBytes(concatBytes(Uint8Array.of(0x02), digest)), ctr };
    } catch {
      // not an x on the curve: next counter
    }
  }
  throw new Error('no point in 256 tries');
}

export function challenge(pk: Uint8Array, points: K1Point[], rules: Rules): bigint {
  const back = rules.backByte ? Uint8Array.of(0) : Uint8Array.of();
  const key = rules.keyInChallenge ? [pk] : [];
  const digest = sha256(concatBytes(Uint8Array.of(SUITE, 0x02), ...key, ...points.map(enc), back));
  return bytesToNumberBE(digest.subarray(0, 16));
}

export function gammaToBeta(gamma: Uint8Array, rules: Rules): Uint8Array {
  return sha256(concatBytes(Uint8Array.of(SUITE, 0x03), gamma, rules.backByte ? Uint8Array.of(0) : Uint8Array.of()));
}

export interface ReferenceProof {
  pk: Uint8Array;
  ctr: number;
  h: Uint8Array;
  k: bigint;
  gamma: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  c: bigint;
  s: bigint;
  pi: Uint8Array;
  beta: Uint8Array;
}

export function referenceProve(sk: Uint8Array, alpha: Uint8Array, rules: Rules): ReferenceProof {
  const x = bytesToNumberBE(sk);
  const pk = secp256k1.getPublicKey(sk, true);
  const { H, ctr } = hashToCurve(pk, alpha, rules);
  const h = enc(H);
  const k = rfc6979Nonce(sk, rules.nonceDigest(h));
  const Gamma = H.multiply(x);
  const U = Point.BASE.multiply(k);
  const V = H.multiply(k);
  const c = challenge(pk, [H, Gamma, U, V], rules);
  const s = (k + c * x) % N;
  const gamma = enc(Gamma);
  const pi = concatBytes(gamma, numberToBytesBE(c, 16), numberToBytesBE(s, 32));
  return { pk, ctr, h, k, gamma, u: enc(U), v: enc(V), c, s, pi, beta: gammaToBeta(gamma, rules) };
}

/** The verification equation alone: beta if c matches, else undefined. Throws on undecodable input. */
export function referenceVerify(pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array, rules: Rules): Uint8Array | undefined {
  const Y = Point.fromBytes(pk);
  const Gamma = Point.fromBytes(pi.subarray(0, 33));
  const c = bytesToNumberBE(pi.subarray(33, 49));
  const s = bytesToNumberBE(pi.subarray(49));
  const { H } = hashToCurve(pk, alpha, rules);
  const U = Point.BASE.multiply(s).subtract(Y.multiply(c));
  const V = H.multiply(s).subtract(Gamma.multiply(c));
  return challenge(pk, [H, Gamma, U, V], rules) === c ? gammaToBeta(pi.subarray(0, 33), rules) : undefined;
}
