/**
 * secp256k1 on the server through tiny-secp256k1 (libsecp256k1 compiled to WASM): the operator's
 * signature of every receipt and seal, and the recovery of every bet's player signature, both on
 * a room's event loop. ethers' `SigningKey` and @noble/curves do the same work in JavaScript
 * bigints, several times slower (`npx tsx test/bench/run.ts --only receipts`).
 *
 * Signatures are the same bytes as ethers': both use RFC 6979 nonces (HMAC-SHA256, no extra
 * entropy) and the low-s form, and are written as 0x ‖ r ‖ s ‖ v with v 27 or 28. Recovery goes
 * through `recoverSigner` (vrf/protocol/eip712.ts), which keeps every rule on the signature and
 * hands only the curve work to WASM. Node only: vrf/ runs in the browser and keeps @noble/curves.
 * @module
 */
import * as secp from 'tiny-secp256k1';
import { recoverSigner, type PublicKeyRecovery } from '../../vrf/protocol/eip712.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';

/** Signs 32-byte digests with one private key: returns 0x and 65 bytes, r ‖ s ‖ v (v 27 or 28), as ethers' `SigningKey.sign(d).serialized`. */
export type DigestSigner = (digest: Uint8Array) => string;

/**
 * A signer for `privateKey`: 0x and 64 hex digits, a scalar in [1, n-1], as ethers' `SigningKey`
 * takes it. The error for a bad key never quotes the key: it is a secret.
 */
export function createDigestSigner(privateKey: string): DigestSigner {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) throw new Error('operator key must be 0x and 32 bytes of hex');
  const key = hexToBytes(privateKey.slice(2).toLowerCase());
  if (!secp.isPrivate(key)) throw new Error('operator key is not a valid secp256k1 private key (it must be in [1, n-1])');
  return (digest) => {
    if (!(digest instanceof Uint8Array) || digest.length !== 32) throw new Error('a digest to sign must be 32 bytes');
    const { signature, recoveryId } = secp.signRecoverable(digest, key);
    // Ids 2 and 3 mean r overflowed n, about 2^-128 likely; ethers' v cannot say it either.
    if (recoveryId > 1) throw new Error(`signature recovery id ${recoveryId} cannot be written as v 27 or 28`);
    return '0x' + bytesToHex(signature) + (27 + recoveryId).toString(16);
  };
}

/**
 * The curve step of recovery in WASM. `recoverSigner` has checked r and s already; libsecp256k1
 * still refuses an r that is no point's x and a key at infinity, where noble throws too.
 */
export const wasmPublicKeyRecovery: PublicKeyRecovery = (digest, compact, recovery) => {
  if (digest.length !== 32) throw new Error('a digest to recover from must be 32 bytes');
  let publicKey: Uint8Array | null;
  try {
    publicKey = secp.recover(digest, compact, recovery, false);
  } catch {
    publicKey = null; // tiny-secp256k1 throws "Expected Signature" when r is no point's x
  }
  if (publicKey === null) throw new Error('invalid signature: no public key recovers from it');
  return publicKey;
};

/** The address whose key made `signature` over `digest`, under every rule of `recoverSigner`, with the curve work in WASM. */
export function recoverAddress(digest: Uint8Array, signature: string): string {
  return recoverSigner(digest, signature, wasmPublicKeyRecovery);
}
