/**
 * The four ciphersuites of RFC 9381 section 5.5, and ECVRF-SECP256K1-SHA256-TAI, as data: which
 * curve, which hash, which suite_string, and how alpha is encoded to a point. The algorithm is in
 * `ecvrf.ts`.
 * @module
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { createSuite, type EcvrfSuiteInternals } from './ecvrf.ts';
import { edwards25519, nistP256, secp256k1Curve } from './curves.ts';
import { switchableSuite } from './backend.ts';

export const ECVRF_P256_SHA256_TAI = createSuite({
  name: 'ECVRF-P256-SHA256-TAI',
  suiteString: 0x01,
  curve: nistP256,
  hash: sha256,
  encodeToCurve: { method: 'try-and-increment' },
});

export const ECVRF_P256_SHA256_SSWU = createSuite({
  name: 'ECVRF-P256-SHA256-SSWU',
  suiteString: 0x02,
  curve: nistP256,
  hash: sha256,
  encodeToCurve: { method: 'h2c', h2cSuiteId: 'P256_XMD:SHA-256_SSWU_NU_' },
});

/**
 * Not one of the RFC's suites: P-256-TAI's rules (RFC 9381 challenge over Y, H, Gamma, U, V;
 * RFC 6979 nonce; 0x00 back bytes) on secp256k1, the curve the EVM checks with `ecrecover`.
 * suite_string 0xFE is the one the drafts' secp256k1 implementations (witnet, vechain) chose;
 * their proofs follow earlier drafts and do not verify here (docs/vrf.md). Always on
 * `@noble/curves`: libsodium has no secp256k1.
 */
export const ECVRF_SECP256K1_SHA256_TAI = createSuite({
  name: 'ECVRF-SECP256K1-SHA256-TAI',
  suiteString: 0xfe,
  curve: secp256k1Curve,
  hash: sha256,
  encodeToCurve: { method: 'try-and-increment' },
});

/** The `@noble/curves` reference for suite 0x03: always noble, whatever the backend. */
export const REFERENCE_EDWARDS25519_SHA512_TAI = createSuite({
  name: 'ECVRF-EDWARDS25519-SHA512-TAI',
  suiteString: 0x03,
  curve: edwards25519,
  hash: sha512,
  encodeToCurve: { method: 'try-and-increment' },
});

/** The `@noble/curves` reference for suite 0x04: always noble, whatever the backend. */
export const REFERENCE_EDWARDS25519_SHA512_ELL2 = createSuite({
  name: 'ECVRF-EDWARDS25519-SHA512-ELL2',
  suiteString: 0x04,
  curve: edwards25519,
  hash: sha512,
  encodeToCurve: { method: 'h2c', h2cSuiteId: 'edwards25519_XMD:SHA-512_ELL2_NU_' },
});

/** The edwards25519 suites on libsodium once `vrfReady()` resolved, on the reference before. */
export const ECVRF_EDWARDS25519_SHA512_TAI = switchableSuite(REFERENCE_EDWARDS25519_SHA512_TAI);
export const ECVRF_EDWARDS25519_SHA512_ELL2 = switchableSuite(REFERENCE_EDWARDS25519_SHA512_ELL2);

/** The suites with their internals, by name (for the server's prover, and tests). */
export const internalSuites: Readonly<Record<string, EcvrfSuiteInternals>> = {
  [ECVRF_P256_SHA256_TAI.name]: ECVRF_P256_SHA256_TAI,
  [ECVRF_P256_SHA256_SSWU.name]: ECVRF_P256_SHA256_SSWU,
  [ECVRF_EDWARDS25519_SHA512_TAI.name]: ECVRF_EDWARDS25519_SHA512_TAI,
  [ECVRF_EDWARDS25519_SHA512_ELL2.name]: ECVRF_EDWARDS25519_SHA512_ELL2,
  [ECVRF_SECP256K1_SHA256_TAI.name]: ECVRF_SECP256K1_SHA256_TAI,
};
