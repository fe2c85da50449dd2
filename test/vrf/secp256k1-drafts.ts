/**
 * Test-local suites for the secp256k1 constructions of earlier drafts, built with the generic
 * `createSuite` and its `construction` option, so the published vectors of vechain, witnet and
 * KlayOracle run through the same algorithm as our suite. Never registered: `vrf/` only ships the
 * RFC 9381 construction.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { createSuite, type Construction, type EcvrfSuiteInternals } from '../../vrf/ecvrf.ts';
import { secp256k1Curve } from '../../vrf/curves.ts';
import { rfc6979Nonce } from './secp256k1-reference.ts';

/** witnet's nonce: RFC 6979 on the first 32 bytes of point_to_string(H), not on SHA-256 of it. */
const witnetCurve = { ...secp256k1Curve, nonce: (sk: Uint8Array, hString: Uint8Array) => rfc6979Nonce(sk, hString.subarray(0, 32)) };

export function draftSuite(construction: Construction, nonce: 'rfc9381' | 'witnet' | 'unknown' = 'rfc9381'): EcvrfSuiteInternals {
  return createSuite({
    name: `secp256k1 ${construction}${nonce === 'witnet' ? ' witnet nonce' : ''}`,
    suiteString: 0xfe,
    curve: nonce === 'witnet' ? witnetCurve : secp256k1Curve,
    hash: sha256,
    encodeToCurve: { method: 'try-and-increment' },
    construction,
  });
}
