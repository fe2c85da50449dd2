/**
 * Witnesses for `VrfSecp256k1.fastVerify` (server/chain/contracts/VrfSecp256k1.sol): the values
 * an ECVRF-SECP256K1-SHA256-TAI verifier computes on the way, which the contract then only has to
 * check (three ecrecovers, a few mulmods) instead of computing (two double scalar
 * multiplications, a square root per counter). Runs in Node and the browser (@noble only).
 *
 * The proof is verified here in full first: an invalid one has no witnesses, and asking for them
 * throws, saying why.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

type K1Point = InstanceType<typeof secp256k1.Point>;
const { Point } = secp256k1;
const Fp = Point.Fp;
const P = Fp.ORDER;
const N = Point.Fn.ORDER;
const SUITE = 0xfe;

/** Counters below this carry a non-residue root; the contract checks later ones itself. */
export const ROOT_SLOTS = 4;

/** `VrfSecp256k1.Witnesses`, field for field (abi.encode of it: `encodeWitnesses`). */
export interface Secp256k1Witnesses {
  /** The try-and-increment counter that gave H. */
  readonly ctr: number;
  /** For counter i < min(ctr, 4): 0 if hash_i >= p, else the even w with w^2 = -(hash_i^3 + 7); 0 beyond. */
  readonly nonResidueRoots: readonly [bigint, bigint, bigint, bigint];
  /** U = s*B - c*Y, affine. */
  readonly u: readonly [bigint, bigint];
  /** s*H, affine. */
  readonly sH: readonly [bigint, bigint];
  /** c*Gamma, affine. */
  readonly cGamma: readonly [bigint, bigint];
  /** V = s*H - c*Gamma, affine. */
  readonly v: readonly [bigint, bigint];
}

/** Why a proof gets no witnesses. */
export class InvalidProofError extends Error {}

function decodePoint(bytes: Uint8Array, what: string): K1Point {
  if (bytes.length !== 33 || (bytes[0] !== 0x02 && bytes[0] !== 0x03))
    throw new InvalidProofError(`${what} is not a 33-byte compressed point with prefix 0x02 or 0x03`);
  try {
    return Point.fromBytes(bytes);
  } catch (e) {
    throw new InvalidProofError(`${what} is not a point on secp256k1 (${(e as Error).message})`);
  }
}

/** Affine (x, y); (0, 0) for infinity (s = 0 or c = 0, where the contract ignores witnesses). */
const affine = (p: K1Point): readonly [bigint, bigint] => {
  if (p.is0()) return [0n, 0n];
  const { x, y } = p.toAffine();
  return [x, y];
};

/** x^3 + 7 mod p. */
const rhs = (x: bigint): bigint => Fp.add(Fp.mul(Fp.sqr(x), x), 7n);

/** The even square root of a mod p, or undefined when a is a non-residue. */
function evenSqrt(a: bigint): bigint | undefined {
  let r: bigint;
  try {
    r = Fp.sqrt(a);
  } catch {
    return undefined;
  }
  if (Fp.sqr(r) !== a) return undefined;
  return r & 1n ? P - r : r;
}

/** The witnesses of a valid proof; throws InvalidProofError, with the reason, on any other. */
export function fastVerifyWitnesses(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Secp256k1Witnesses {
  const { witnesses, challengeMatches } = compute(publicKey, proof, alpha);
  if (!challengeMatches) throw new InvalidProofError('challenge does not match: the proof is not valid for this key and alpha');
  return witnesses;
}

/**
 * The same values for a proof that decodes but may not verify (U, V as a verifier computes them
 * from it): what a tester feeds fastVerify to see it refuse an invalid proof on the challenge.
 */
export function unverifiedWitnesses(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Secp256k1Witnesses {
  return compute(publicKey, proof, alpha).witnesses;
}

function compute(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): { witnesses: Secp256k1Witnesses; challengeMatches: boolean } {
  const Y = decodePoint(publicKey, 'public key');
  if (proof.length !== 81) throw new InvalidProofError(`proof must be 81 bytes, got ${proof.length}`);
  const gammaBytes = proof.subarray(0, 33);
  const Gamma = decodePoint(gammaBytes, 'Gamma');
  const c = bytesToNumberBE(proof.subarray(33, 49));
  const s = bytesToNumberBE(proof.subarray(49, 81));
  if (s >= N) throw new InvalidProofError('s is not less than the group order n');

  // encode_to_curve, try-and-increment, keeping a non-residue root for each early failure.
  const roots: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
  const prefix = concatBytes(Uint8Array.of(SUITE, 0x01), publicKey, alpha);
  let ctr = 0;
  let H: K1Point | undefined;
  for (; ctr < 256 && !H; ctr++) {
    const x = bytesToNumberBE(sha256(concatBytes(prefix, Uint8Array.of(ctr, 0x00))));
    if (x >= P) continue; // fails to decode; its root slot stays 0
    const y = evenSqrt(rhs(x));
    if (y !== undefined) H = Point.fromAffine({ x, y });
    else if (ctr < ROOT_SLOTS) roots[ctr] = evenSqrt(Fp.neg(rhs(x)))!;
  }
  if (!H) throw new InvalidProofError('encode_to_curve found no point in 256 tries');
  ctr--;

  const U = Point.BASE.multiplyUnsafe(s).add(Y.multiplyUnsafe(c).negate());
  const sH = H.multiplyUnsafe(s);
  const cGamma = Gamma.multiplyUnsafe(c);
  const V = sH.add(cGamma.negate());
  if (U.is0() || V.is0()) throw new InvalidProofError('U or V is the point at infinity');
  const digest = sha256(
    concatBytes(Uint8Array.of(SUITE, 0x02), publicKey, H.toBytes(true), gammaBytes, U.toBytes(true), V.toBytes(true), Uint8Array.of(0x00)),
  );
  return {
    witnesses: { ctr, nonResidueRoots: roots, u: affine(U), sH: affine(sH), cGamma: affine(cGamma), v: affine(V) },
    challengeMatches: bytesToNumberBE(digest.subarray(0, 16)) === c,
  };
}

/** abi.encode(Witnesses): 13 big-endian 32-byte words, in the struct's order (416 bytes). */
export function encodeWitnesses(w: Secp256k1Witnesses): Uint8Array {
  const words = [BigInt(w.ctr), ...w.nonResidueRoots, ...w.u, ...w.sH, ...w.cGamma, ...w.v];
  return concatBytes(...words.map((n) => numberToBytesBE(n, 32)));
}
