/**
 * Fairplay's VRF library: RFC 9381 ECVRF in all four ciphersuites, plus the same construction on
 * secp256k1 (ECVRF-SECP256K1-SHA256-TAI, for on-chain checks), on `@noble/curves`.
 * Runs unchanged in Node and in the browser (no Node-only API). `await vrfReady()` once makes
 * the edwards25519 suites several times faster (libsodium as WebAssembly); without it they give
 * the same results on `@noble/curves`.
 *
 * ```ts
 * import { getSuite } from './vrf/index.ts';
 * const suite = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
 * const pi = suite.prove(secretKey, alpha);
 * const result = suite.verify(suite.publicKey(secretKey), alpha, pi); // { valid: true, beta }
 * ```
 * @module
 */
import type { EcvrfSuite } from './ecvrf.ts';
import {
  ECVRF_EDWARDS25519_SHA512_ELL2,
  ECVRF_EDWARDS25519_SHA512_TAI,
  ECVRF_P256_SHA256_SSWU,
  ECVRF_P256_SHA256_TAI,
  ECVRF_SECP256K1_SHA256_TAI,
} from './suites.ts';

export type { EcvrfSuite, VerifyResult } from './ecvrf.ts';
export { vrfReady, vrfBackend, type VrfBackend } from './backend.ts';

/** Names of the supported suites: the four of RFC 9381, and the secp256k1 one in its style. */
export type SuiteName =
  | 'ECVRF-P256-SHA256-TAI'
  | 'ECVRF-P256-SHA256-SSWU'
  | 'ECVRF-EDWARDS25519-SHA512-TAI'
  | 'ECVRF-EDWARDS25519-SHA512-ELL2'
  | 'ECVRF-SECP256K1-SHA256-TAI';

/** Every suite, by name. */
export const suites: Readonly<Record<SuiteName, EcvrfSuite>> = Object.freeze({
  'ECVRF-P256-SHA256-TAI': ECVRF_P256_SHA256_TAI,
  'ECVRF-P256-SHA256-SSWU': ECVRF_P256_SHA256_SSWU,
  'ECVRF-EDWARDS25519-SHA512-TAI': ECVRF_EDWARDS25519_SHA512_TAI,
  'ECVRF-EDWARDS25519-SHA512-ELL2': ECVRF_EDWARDS25519_SHA512_ELL2,
  'ECVRF-SECP256K1-SHA256-TAI': ECVRF_SECP256K1_SHA256_TAI,
});

export function isSuiteName(name: string): name is SuiteName {
  return Object.prototype.hasOwnProperty.call(suites, name);
}

/** The suite with this name; throws on an unknown name, listing the known ones. */
export function getSuite(name: string): EcvrfSuite {
  if (!isSuiteName(name))
    throw new Error(`unknown VRF suite "${name}"; known suites: ${Object.keys(suites).join(', ')}`);
  return suites[name];
}
