/**
 * The edwards25519 suites (0x03 TAI, 0x04 ELL2) on libsodium's WebAssembly primitives: the same
 * RFC 9381 algorithm as `ecvrf.ts`, with every point and scalar operation done by libsodium.
 * This is a fast path beside the `@noble/curves` reference, never a second opinion: it returns
 * an answer only when that answer is provably the reference's, and hands every other input to
 * the reference, which then decides (and words the refusal) exactly as it always has.
 *
 * When the fast path answers, and why that is the reference's answer:
 * - verify: libsodium's multiplication (`scalarmult_ed25519_noclamp`) refuses, by throwing, any
 *   point that is not a canonical encoding (y < p), not on the curve, of small order or outside
 *   the prime-order subgroup, and a zero scalar. c*Y and c*Gamma are computed before anything is
 *   answered, so an answer implies Y and Gamma pass the reference's strict decoding and
 *   validate_key. In that subgroup a multiplication by a reduced scalar is the same group element
 *   whichever library computes it, so U, V, c and beta are the same bytes. Every refusal (mixed-
 *   order Y or Gamma, c = 0, s = 0, s >= q, bad lengths or types) goes to the reference. A
 *   challenge mismatch on inputs that passed all of the above is answered here, with the
 *   reference's wording: the reference computes the same c' from them.
 * - prove: H is in the prime-order subgroup (cofactor cleared) and x, k are reduced, so Gamma,
 *   k*B, k*H are the reference's points. libsodium refuses a zero scalar or an identity result
 *   (k = 0, H the identity: probability about 2^-252); then, and on a bad key or alpha, the
 *   reference proves or throws.
 * - encode_to_curve, TAI: the hash is a point exactly when RFC 8032 decoding takes it (y < p,
 *   on the curve, not x = 0 with the sign bit set; the first and last checked byte by byte here,
 *   the curve equation by `crypto_core_ed25519_add`, which decodes any point of any order and
 *   throws off the curve). The cofactor is cleared by three such doublings.
 * - encode_to_curve, ELL2: the reference's RFC 9380 encode. libsodium's
 *   `crypto_core_ed25519_from_hash` (its Elligator 2 plus cofactor clearing), fed OS2IP(u) of the
 *   48 expand_message_xmd bytes, gives H or -H: for about half of all inputs the sign of x differs
 *   from RFC 9380's map_to_curve (measured on 200 random inputs against the reference; it matches
 *   RFC 9381 examples 19 and 21 but not 20). Fixing the sign would need the map's intermediate
 *   values, which is the reference's own cost, so ELL2 keeps the reference's encode.
 * - proofToHash: Gamma's encoding is checked as in TAI; 8*Gamma by three doublings.
 *
 * Secret-dependent work (x*H, k*H, k*B, s = k + c*x) is libsodium's constant-time code; the
 * JavaScript here only copies bytes.
 * @module
 */
import type { EcvrfSuiteInternals, VerifyResult } from './ecvrf.ts';

/** The libsodium functions this backend uses (libsodium-wrappers-sumo, after `ready`). */
export interface SodiumEd25519 {
  crypto_scalarmult_ed25519_noclamp(n: Uint8Array, p: Uint8Array): Uint8Array;
  crypto_scalarmult_ed25519_base_noclamp(n: Uint8Array): Uint8Array;
  crypto_core_ed25519_add(p: Uint8Array, q: Uint8Array): Uint8Array;
  crypto_core_ed25519_sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  crypto_core_ed25519_scalar_reduce(s: Uint8Array): Uint8Array;
  crypto_core_ed25519_scalar_mul(x: Uint8Array, y: Uint8Array): Uint8Array;
  crypto_core_ed25519_scalar_add(x: Uint8Array, y: Uint8Array): Uint8Array;
  crypto_hash_sha512(m: Uint8Array): Uint8Array;
}

/** The operations of a suite that have a fast path; the rest stays on the reference. */
export type FastOperations = Pick<EcvrfSuiteInternals, 'publicKey' | 'prove' | 'proveWithOutput' | 'verify' | 'proofToHash'>;

const PT_LEN = 32;
const C_LEN = 16;
const PROOF_LEN = PT_LEN + C_LEN + 32;
/** q = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const Q_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const CHALLENGE_MISMATCH = 'challenge does not match: the proof is not valid for this key and alpha';

/** Little-endian a < b for equal-length byte strings. */
function lessThanLE(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Is `bytes` an encoding RFC 8032 section 5.1.3 accepts, short of the curve equation? */
function strictEncoding(bytes: Uint8Array): boolean {
  // y < p = 2^255 - 19: only y in [p, 2^255) is non-canonical.
  let top = (bytes[31]! & 0x7f) === 0x7f && bytes[0]! >= 0xed;
  for (let i = 1; i < 31 && top; i++) top = bytes[i] === 0xff;
  if (top) return false;
  if ((bytes[31]! & 0x80) === 0) return true;
  // The sign bit is set: refused when x = 0, which is y = 1 or y = p - 1.
  const y = bytes.slice();
  y[31] = y[31]! & 0x7f;
  const isOne = y[0] === 1 && y.subarray(1).every((b) => b === 0);
  const isMinusOne = y[0] === 0xec && y[31] === 0x7f && y.subarray(1, 31).every((b) => b === 0xff);
  return !isOne && !isMinusOne;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Zero-extends a little-endian scalar to the 64 bytes `scalar_reduce` takes. */
function wide(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  out.set(bytes);
  return out;
}

/**
 * The fast operations of one edwards25519 suite. `reference` is the suite built on
 * `@noble/curves` with the same definition; it answers every input this path does not.
 */
export function sodiumEdwardsSuite(sodium: SodiumEd25519, reference: EcvrfSuiteInternals): FastOperations {
  const suite = Uint8Array.of(reference.suiteString);
  const ell2 = reference.suiteString === 0x04;
  if (reference.suiteString !== 0x03 && !ell2) throw new Error(`${reference.name} is not an edwards25519 suite`);
  const hash = (...parts: Uint8Array[]) => sodium.crypto_hash_sha512(concat(...parts));
  const double = (p: Uint8Array) => sodium.crypto_core_ed25519_add(p, p);

  // RFC 9381 section 5.4.1.
  function encodeToCurve(pk: Uint8Array, alpha: Uint8Array): Uint8Array {
    // ELL2: the reference's RFC 9380 encode_to_curve (see the module comment for why).
    if (ell2) return reference.encodeToCurve(pk, alpha).h;
    const prefix = concat(suite, Uint8Array.of(0x01), pk, alpha);
    for (let ctr = 0; ctr < 256; ctr++) {
      const candidate = hash(prefix, Uint8Array.of(ctr, 0x00)).subarray(0, PT_LEN);
      if (!strictEncoding(candidate)) continue;
      let point: Uint8Array;
      try {
        point = double(candidate); // throws when the candidate is not on the curve
      } catch {
        continue;
      }
      return double(double(point));
    }
    throw new Error('encode_to_curve found no point in 256 tries'); // the reference then decides
  }

  const challenge = (...points: Uint8Array[]) => hash(suite, Uint8Array.of(0x02), ...points, Uint8Array.of(0x00)).subarray(0, C_LEN);
  // 8 * Gamma by three doublings: a third of one scalar multiplication. Throws for a Gamma that
  // is not on the curve (the reference then refuses it).
  const betaOf = (gamma: Uint8Array) => hash(suite, Uint8Array.of(0x03), double(double(double(gamma))), Uint8Array.of(0x00));

  // One entry per key array, used only while its bytes still match (as in `ecvrf.ts`).
  const keyCache = new WeakMap<Uint8Array, { copy: Uint8Array; x: Uint8Array; pk: Uint8Array; prefix: Uint8Array }>();
  function expandKey(secretKey: Uint8Array) {
    const hit = keyCache.get(secretKey);
    if (hit && hit.copy.every((b, i) => b === secretKey[i])) return hit;
    const h = sodium.crypto_hash_sha512(secretKey);
    const clamped = h.slice(0, 32);
    clamped[0] = clamped[0]! & 248;
    clamped[31] = (clamped[31]! & 127) | 64;
    const x = sodium.crypto_core_ed25519_scalar_reduce(wide(clamped));
    const entry = { copy: secretKey.slice(), x, pk: sodium.crypto_scalarmult_ed25519_base_noclamp(x), prefix: h.slice(32) };
    keyCache.set(secretKey, entry);
    return entry;
  }
  const validKey = (sk: unknown): sk is Uint8Array => sk instanceof Uint8Array && sk.length === 32;

  function proveFast(secretKey: Uint8Array, alpha: Uint8Array): { pi: Uint8Array; gamma: Uint8Array } {
    const { x, pk, prefix } = expandKey(secretKey);
    const h = encodeToCurve(pk, alpha);
    // RFC 9381 section 5.4.2.2.
    const k = sodium.crypto_core_ed25519_scalar_reduce(hash(prefix, h));
    const gamma = sodium.crypto_scalarmult_ed25519_noclamp(x, h);
    const u = sodium.crypto_scalarmult_ed25519_base_noclamp(k);
    const v = sodium.crypto_scalarmult_ed25519_noclamp(k, h);
    const c = challenge(pk, h, gamma, u, v);
    const s = sodium.crypto_core_ed25519_scalar_add(k, sodium.crypto_core_ed25519_scalar_mul(wide(c).subarray(0, 32), x));
    return { pi: concat(gamma, c, s), gamma };
  }

  function proveWithOutput(secretKey: Uint8Array, alpha: Uint8Array): { pi: Uint8Array; beta: Uint8Array } {
    if (!validKey(secretKey) || !(alpha instanceof Uint8Array)) return reference.proveWithOutput(secretKey, alpha);
    try {
      const { pi, gamma } = proveFast(secretKey, alpha);
      return { pi, beta: betaOf(gamma) };
    } catch {
      return reference.proveWithOutput(secretKey, alpha);
    }
  }

  // pi alone: beta's three doublings are left out (the prover worker uses proveWithOutput).
  function prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
    if (!validKey(secretKey) || !(alpha instanceof Uint8Array)) return reference.prove(secretKey, alpha);
    try {
      return proveFast(secretKey, alpha).pi;
    } catch {
      return reference.prove(secretKey, alpha);
    }
  }

  /** Gamma, c and s of a proof the fast path can take, or undefined for the reference. */
  function decode(pi: unknown): { gamma: Uint8Array; c: Uint8Array; s: Uint8Array } | undefined {
    if (!(pi instanceof Uint8Array) || pi.length !== PROOF_LEN) return undefined;
    const gamma = pi.subarray(0, PT_LEN);
    const s = pi.subarray(PT_LEN + C_LEN);
    if (!strictEncoding(gamma) || !lessThanLE(s, Q_LE)) return undefined;
    return { gamma, c: pi.subarray(PT_LEN, PT_LEN + C_LEN), s };
  }

  // Y and Gamma are not checked up front: libsodium's multiplication refuses (throws for) any
  // point that is not canonical, of small order or outside the prime-order subgroup, and c*Y,
  // c*Gamma are computed before anything is answered.
  function verifyFast(pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array): VerifyResult | undefined {
    if (!(pk instanceof Uint8Array) || pk.length !== PT_LEN || !(alpha instanceof Uint8Array)) return undefined;
    const proof = decode(pi);
    if (!proof) return undefined;
    const { gamma, c, s } = proof;
    const c32 = wide(c).subarray(0, 32);
    const h = encodeToCurve(pk, alpha);
    const u = sodium.crypto_core_ed25519_sub(
      sodium.crypto_scalarmult_ed25519_base_noclamp(s),
      sodium.crypto_scalarmult_ed25519_noclamp(c32, pk),
    );
    const v = sodium.crypto_core_ed25519_sub(
      sodium.crypto_scalarmult_ed25519_noclamp(s, h),
      sodium.crypto_scalarmult_ed25519_noclamp(c32, gamma),
    );
    const expected = challenge(pk, h, gamma, u, v);
    if (!expected.every((b, i) => b === c[i])) return { valid: false, reason: CHALLENGE_MISMATCH };
    return { valid: true, beta: betaOf(gamma) };
  }

  return {
    publicKey: (secretKey) => (validKey(secretKey) ? expandKey(secretKey).pk.slice() : reference.publicKey(secretKey)),
    prove,
    proveWithOutput,
    verify(pk, alpha, pi) {
      let result: VerifyResult | undefined;
      try {
        result = verifyFast(pk, alpha, pi);
      } catch {
        result = undefined; // libsodium refused an operand (a zero scalar): the reference decides
      }
      return result ?? reference.verify(pk, alpha, pi);
    },
    proofToHash(pi) {
      const proof = decode(pi);
      try {
        if (proof) return betaOf(proof.gamma);
      } catch {
        // Gamma is not on the curve: the reference throws its own reason.
      }
      return reference.proofToHash(pi);
    },
  };
}
