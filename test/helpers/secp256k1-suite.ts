/**
 * A local stand-in for ECVRF-SECP256K1-SHA256-TAI until the suite lands in `vrf/`: the same
 * generic algorithm (`createSuite` of vrf/ecvrf.ts) on secp256k1, with exactly P-256-TAI's
 * rules (suite_string 0xFE, SHA-256, compressed SEC1 points, RFC 6979 nonces). Tests only.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, createHmacDrbg, numberToBytesBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { createSuite, type EcvrfSuiteInternals } from '../../vrf/ecvrf.ts';
import type { EcvrfCurve, H2CHasherLike } from '../../vrf/curves.ts';
import { multiplyShared } from '../../vrf/scalar-mul.ts';

type K1Point = InstanceType<typeof secp256k1.Point>;
const N = secp256k1.Point.Fn.ORDER;

function decode(bytes: Uint8Array): K1Point {
  if (bytes.length !== 33) throw new Error(`expected 33 bytes (SEC1 compressed), got ${bytes.length}`);
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) throw new Error('expected a 0x02 or 0x03 prefix');
  return secp256k1.Point.fromBytes(bytes);
}

const drbg = createHmacDrbg<bigint>(32, 32, (key: Uint8Array, msg: Uint8Array) => hmac(sha256, key, msg));

const curve: EcvrfCurve<K1Point> = {
  name: 'secp256k1',
  Point: secp256k1.Point,
  order: N,
  cofactor: 1,
  pointLength: 33,
  scalarLength: 32,
  secretKeyLength: 32,
  decodePoint: decode,
  intToBytes: (n, length) => numberToBytesBE(n, length),
  bytesToInt: (bytes) => bytesToNumberBE(bytes),
  secretScalar(secretKey) {
    const x = bytesToNumberBE(secretKey);
    if (x === 0n || x >= N) throw new Error('secret key must encode an integer in [1, q-1]');
    return x;
  },
  hashValueToPoint(hash) {
    try {
      return decode(concatBytes(Uint8Array.of(0x02), hash));
    } catch {
      return undefined;
    }
  },
  nonce(secretKey, hString) {
    const h1 = bytesToNumberBE(sha256(hString)) % N;
    return drbg(concatBytes(secretKey, numberToBytesBE(h1, 32)), (t: Uint8Array) => {
      const k = bytesToNumberBE(t);
      return k >= 1n && k < N ? k : undefined;
    });
  },
  multiplySecret: (point, scalars) => multiplyShared(secp256k1.Point.ZERO, point, scalars, 256),
  hasher: undefined as unknown as H2CHasherLike<K1Point>,
};

export const SECP256K1_SUITE: EcvrfSuiteInternals = createSuite({
  name: 'ECVRF-SECP256K1-SHA256-TAI',
  suiteString: 0xfe,
  curve,
  hash: sha256,
  encodeToCurve: { method: 'try-and-increment' },
});
