/**
 * ECVRF (RFC 9381 section 5), written once for every suite. A suite is a curve, a hash, a
 * suite_string and an encode-to-curve method (see `suites.ts`); this file turns that
 * definition into the public `prove` / `verify` / `proofToHash` API.
 *
 * Verification is strict: validate_key is always on, the proof must have the exact length, Gamma
 * must be a canonical point encoding and s < q. `verify` never throws on bad input: it returns
 * the reason instead.
 * @module
 */
import { mulAddUnsafe, normalizeZ } from '@noble/curves/abstract/curve.js';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import type { CHash } from '@noble/hashes/utils.js';
import { concatBytes, equalBytes, isBytes } from '@noble/curves/utils.js';
import type { EcvrfCurve, GroupPoint, PointClass } from './curves.ts';
import { fixedBaseMultiplier } from './scalar-mul.ts';

/** How a suite maps (public key, alpha) to the point H (RFC 9381 section 5.4.1). */
export type EncodeToCurve =
  | { readonly method: 'try-and-increment' }
  | { readonly method: 'h2c'; readonly h2cSuiteId: string };

/**
 * Which revision of the ECVRF construction a suite follows. Every registered suite is 'rfc9381'
 * (the default). The two earlier drafts exist only so that tests can reproduce the secp256k1
 * vectors that other implementations published against them (test/vectors/secp256k1-published.json):
 * - 'draft-10': the challenge hashes H, Gamma, U, V (no Y); 0x00 back bytes as in the RFC.
 * - 'draft-06': no Y in the challenge, and no 0x00 back byte after the try-and-increment
 *   counter, after the challenge points, or after Gamma in proof_to_hash.
 */
export type Construction = 'rfc9381' | 'draft-10' | 'draft-06';

/** The declarative part of a suite: everything that differs between the suites. */
export interface SuiteDefinition<P extends GroupPoint<P>> {
  readonly name: string;
  readonly suiteString: number;
  readonly curve: EcvrfCurve<P>;
  readonly hash: CHash;
  readonly encodeToCurve: EncodeToCurve;
  /** Defaults to 'rfc9381'; see `Construction`. */
  readonly construction?: Construction;
}

/** Result of `verify`: the VRF output on success, or why the proof was refused. */
export type VerifyResult =
  | { readonly valid: true; readonly beta: Uint8Array }
  | { readonly valid: false; readonly reason: string };

/** An ECVRF ciphersuite: the public API every caller and auditor uses. */
export interface EcvrfSuite {
  readonly name: string;
  readonly suiteString: number;
  readonly secretKeyLength: number;
  readonly publicKeyLength: number;
  readonly proofLength: number;
  readonly betaLength: number;
  /** PK_string for a 32-byte secret key. Throws if the key is not a valid secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** pi_string for alpha under the secret key. Deterministic; throws only on a bad secret key. */
  prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array;
  /** Checks pi against the public key and alpha. Never throws. */
  verify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): VerifyResult;
  /** beta_string of a proof, without checking it: call on verified proofs only. */
  proofToHash(proof: Uint8Array): Uint8Array;
}

/** Intermediate values of one prove, for tests against the RFC's printed vectors. */
export interface ProveTrace {
  readonly h: Uint8Array;
  readonly k: bigint;
  readonly gamma: Uint8Array;
  readonly u: Uint8Array;
  readonly v: Uint8Array;
  readonly c: bigint;
  readonly s: bigint;
  readonly pi: Uint8Array;
  /** point_to_string(cofactor * Gamma), from which beta is hashed. */
  readonly cofactorGamma: Uint8Array;
}

/** The suite API plus the RFC's intermediate steps, which tests check one by one. */
export interface EcvrfSuiteInternals extends EcvrfSuite {
  proveTrace(secretKey: Uint8Array, alpha: Uint8Array): ProveTrace;
  /** pi and its beta in one go: beta from the prover's own Gamma, with no decoding of pi. */
  proveWithOutput(secretKey: Uint8Array, alpha: Uint8Array): { pi: Uint8Array; beta: Uint8Array };
  /** encode_to_curve; `ctr` is the try-and-increment counter that succeeded. */
  encodeToCurve(publicKey: Uint8Array, alpha: Uint8Array): { h: Uint8Array; ctr?: number };
  /** The RFC 9380 field element u of an h2c suite. */
  hashToField(publicKey: Uint8Array, alpha: Uint8Array): bigint;
  nonce(secretKey: Uint8Array, hString: Uint8Array): bigint;
}

const C_LEN = 16; // cLen: the challenge is 128 bits in every suite
const te = new TextEncoder();

class InvalidProof extends Error {}

function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!isBytes(value)) throw new InvalidProof(`${what} must be a Uint8Array`);
}

export function createSuite<P extends GroupPoint<P>>(def: SuiteDefinition<P>): EcvrfSuiteInternals {
  const { curve, hash, suiteString } = def;
  const Point: PointClass<P> = curve.Point;
  const q = curve.order;
  const qBits = q.toString(2).length;
  const ptLen = curve.pointLength;
  const proofLength = ptLen + C_LEN + curve.scalarLength;
  const suite = Uint8Array.of(suiteString);
  const cofactor = curve.cofactor;
  const construction = def.construction ?? 'rfc9381';
  // RFC 9381 ends each hash input with a 0x00 domain separator "back" byte; draft-06 did not.
  const back = construction === 'draft-06' ? Uint8Array.of() : Uint8Array.of(0x00);
  // Y joined the challenge input in draft-11; earlier drafts hash H, Gamma, U, V only.
  const challengeHasKey = construction === 'rfc9381';
  const dst =
    def.encodeToCurve.method === 'h2c'
      ? concatBytes(te.encode('ECVRF_' + def.encodeToCurve.h2cSuiteId), suite)
      : undefined;

  const clearCofactor = (p: P): P => {
    for (let f = cofactor; f > 1; f >>= 1) p = p.double();
    return p;
  };
  const encode = (points: P[]): Uint8Array[] =>
    normalizeZ(Point as never, points as never[]).map((p) => (p as P).toBytes());

  // RFC 9381 section 5.4.1: H as a point (projective), with the try-and-increment counter.
  function encodeToCurvePoint(pk: Uint8Array, alpha: Uint8Array): { H: P; ctr?: number } {
    if (dst) return { H: curve.hasher.encodeToCurve(concatBytes(pk, alpha), { DST: dst }) };
    const prefix = concatBytes(suite, Uint8Array.of(0x01), pk, alpha);
    const tail = concatBytes(Uint8Array.of(0), back); // ctr_string || back
    for (let ctr = 0; ctr < 256; ctr++) {
      tail[0] = ctr;
      const candidate = curve.hashValueToPoint(hash(concatBytes(prefix, tail)));
      if (candidate) return { H: clearCofactor(candidate), ctr };
    }
    // Probability 2^-256; the RFC leaves the outcome undefined, we refuse.
    throw new InvalidProof('encode_to_curve found no point in 256 tries');
  }

  // RFC 9381 section 5.4.3: c from the five points [Y, H, Gamma, U, V], truncated to cLen bytes.
  function challenge(points: Uint8Array[]): bigint {
    const hashed = challengeHasKey ? points : points.slice(1);
    const digest = hash(concatBytes(suite, Uint8Array.of(0x02), ...hashed, back));
    return curve.bytesToInt(digest.subarray(0, C_LEN));
  }

  function hashOfPoint(cofactorGamma: Uint8Array): Uint8Array {
    return hash(concatBytes(suite, Uint8Array.of(0x03), cofactorGamma, back));
  }

  const mulBase = fixedBaseMultiplier(Point.BASE, Point.ZERO, qBits);

  // A server proves many times under one key: remember x and PK per key array. The entry keeps
  // a copy of the key bytes and is used only while they still match (the caller may reuse or
  // wipe its array), and it goes away with the caller's array.
  const keyCache = new WeakMap<Uint8Array, { copy: Uint8Array; x: bigint; pk: Uint8Array }>();
  function expandSecretKey(secretKey: Uint8Array): { x: bigint; pk: Uint8Array } {
    if (!isBytes(secretKey) || secretKey.length !== curve.secretKeyLength)
      throw new Error(`${def.name}: secret key must be ${curve.secretKeyLength} bytes`);
    const hit = keyCache.get(secretKey);
    if (hit && equalBytes(hit.copy, secretKey)) return hit;
    const x = curve.secretScalar(secretKey);
    const entry = { copy: secretKey.slice(), x, pk: encode([mulBase(x)])[0]! };
    keyCache.set(secretKey, entry);
    return entry;
  }

  function proveTrace(secretKey: Uint8Array, alpha: Uint8Array): ProveTrace {
    const { x, pk } = expandSecretKey(secretKey);
    if (!isBytes(alpha)) throw new Error(`${def.name}: alpha must be a Uint8Array`);
    const { H } = encodeToCurvePoint(pk, alpha);
    const [hAffine] = encode([H]) as [Uint8Array];
    const k = curve.nonce(secretKey, hAffine);
    // Gamma = x*H and k*H share one doubling chain; k*B uses the precomputed base table.
    const [gammaP, kH] = curve.multiplySecret(H, [x, k]) as [P, P];
    const kB = mulBase(k);
    // cofactor * Gamma shares the batch inversion, so beta costs three doublings, not a decode.
    const [gamma, u, v, cofactorGamma] = encode(cofactor > 1 ? [gammaP, kB, kH, clearCofactor(gammaP)] : [gammaP, kB, kH]) as Uint8Array[];
    const c = challenge([pk, hAffine, gamma!, u!, v!]);
    const s = (k + c * x) % q;
    const pi = concatBytes(gamma!, curve.intToBytes(c, C_LEN), curve.intToBytes(s, curve.scalarLength));
    return { h: hAffine, k, gamma: gamma!, u: u!, v: v!, c, s, pi, cofactorGamma: cofactorGamma ?? gamma! };
  }

  function decodeProof(pi: Uint8Array): { Gamma: P; c: bigint; s: bigint } {
    if (pi.length !== proofLength)
      throw new InvalidProof(`proof must be ${proofLength} bytes, got ${pi.length}`);
    let Gamma: P;
    try {
      Gamma = curve.decodePoint(pi.subarray(0, ptLen));
    } catch (e) {
      throw new InvalidProof(`Gamma is not a valid point encoding (${(e as Error).message})`);
    }
    const c = curve.bytesToInt(pi.subarray(ptLen, ptLen + C_LEN));
    const s = curve.bytesToInt(pi.subarray(ptLen + C_LEN));
    if (s >= q) throw new InvalidProof('s is not less than the group order q');
    return { Gamma, c, s };
  }

  function decodePublicKey(pk: Uint8Array): P {
    let Y: P;
    try {
      Y = curve.decodePoint(pk);
    } catch (e) {
      throw new InvalidProof(`public key is not a valid point encoding (${(e as Error).message})`);
    }
    // validate_key (RFC 9381 section 5.4.5): a small-order Y would let many outputs verify.
    if (clearCofactor(Y).is0()) throw new InvalidProof('public key has small order');
    return Y;
  }

  function verifyOrThrow(pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array): Uint8Array {
    assertBytes(pk, 'public key');
    assertBytes(alpha, 'alpha');
    assertBytes(pi, 'proof');
    const Y = decodePublicKey(pk);
    const { Gamma, c, s } = decodeProof(pi);
    const { H } = encodeToCurvePoint(pk, alpha);
    // Every input is public here, so variable-time multiplication is fine.
    const U = Point.BASE.multiplyUnsafe(s).add(Y.negate().multiplyUnsafe(c));
    const V = mulAddUnsafe(Point as never, [H, Gamma.negate()] as never[], [s, c]) as unknown as P;
    const toEncode = cofactor > 1 ? [H, U, V, clearCofactor(Gamma)] : [H, U, V];
    const [hBytes, uBytes, vBytes, cGamma] = encode(toEncode) as Uint8Array[];
    const gammaBytes = pi.subarray(0, ptLen);
    if (challenge([pk, hBytes!, gammaBytes, uBytes!, vBytes!]) !== c)
      throw new InvalidProof('challenge does not match: the proof is not valid for this key and alpha');
    return hashOfPoint(cofactor > 1 ? cGamma! : gammaBytes);
  }

  return Object.freeze({
    name: def.name,
    suiteString,
    secretKeyLength: curve.secretKeyLength,
    publicKeyLength: ptLen,
    proofLength,
    betaLength: hash.outputLen,
    publicKey: (secretKey: Uint8Array) => expandSecretKey(secretKey).pk.slice(),
    prove: (secretKey: Uint8Array, alpha: Uint8Array) => proveTrace(secretKey, alpha).pi,
    proveWithOutput(secretKey: Uint8Array, alpha: Uint8Array) {
      const { pi, cofactorGamma } = proveTrace(secretKey, alpha);
      return { pi, beta: hashOfPoint(cofactorGamma) };
    },
    verify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): VerifyResult {
      try {
        return { valid: true, beta: verifyOrThrow(publicKey, alpha, proof) };
      } catch (e) {
        if (e instanceof InvalidProof) return { valid: false, reason: e.message };
        return { valid: false, reason: `malformed input (${(e as Error)?.message ?? String(e)})` };
      }
    },
    proofToHash(proof: Uint8Array): Uint8Array {
      if (!isBytes(proof)) throw new Error(`${def.name}: proof must be a Uint8Array`);
      const { Gamma } = decodeProof(proof);
      return hashOfPoint(cofactor > 1 ? encode([clearCofactor(Gamma)])[0]! : proof.subarray(0, ptLen));
    },
    proveTrace,
    encodeToCurve(publicKey: Uint8Array, alpha: Uint8Array) {
      const { H, ctr } = encodeToCurvePoint(publicKey, alpha);
      return { h: encode([H])[0]!, ctr };
    },
    hashToField(publicKey: Uint8Array, alpha: Uint8Array): bigint {
      if (!dst) throw new Error(`${def.name} does not use RFC 9380 hash-to-curve`);
      const fields = hash_to_field(concatBytes(publicKey, alpha), 1, { ...curve.hasher.defaults, DST: dst });
      return fields[0]![0]!;
    },
    nonce: (secretKey: Uint8Array, hString: Uint8Array) => curve.nonce(secretKey, hString),
  });
}
