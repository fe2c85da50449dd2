/**
 * Seeds, commitments and key ids (FAIRNESS.md section 2). A player's seed is 32 fresh random
 * bytes; the server first sees only its commitment, and the seed only once the draw is receipted.
 * @module
 */
import { bytesToHex, concatBytes, hexBytes, sha256, utf8ToBytes } from './encoding.ts';

const SEED_TAG = utf8ToBytes('fairplay-seed-v1');

/** commitment = SHA-256("fairplay-seed-v1" || seed), hex. */
export function seedCommitment(seedHex: string): string {
  return bytesToHex(sha256(concatBytes(SEED_TAG, hexBytes(seedHex, 32, 'seed'))));
}

/** A new seed from the platform's CSPRNG (Web Crypto in the browser and in Node). */
export function newSeed(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** keyId = first 8 bytes of SHA-256(suite name || 0x00 || public key), hex: names a VRF key. */
export function vrfKeyId(suiteName: string, publicKey: Uint8Array): string {
  return bytesToHex(sha256(concatBytes(utf8ToBytes(suiteName), Uint8Array.of(0), publicKey)).subarray(0, 8));
}
