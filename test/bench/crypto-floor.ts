/**
 * The cryptographic floor of one dice draw: the CPU time of the work the protocol requires of the
 * server for every draw, whatever else it does. One ECVRF prove on the default suite (libsodium
 * after `vrfReady()`, as the prover workers run it), one secp256k1 receipt signature and one
 * recovery of the player's signature of the draw request (tiny-secp256k1, as the rooms run them).
 * Each is the CPU ms per operation in this process (`cpuMsPerOp`), so it divides by `signMs()`
 * into signature-equivalents like the rest of the `cpu` table.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { getSuite, vrfReady } from '../../vrf/index.ts';
import { createDigestSigner, recoverAddress } from '../../server/fairness/secp256k1-wasm.ts';
import { cpuMsPerOp } from './sign-time.ts';

const SUITE = 'ECVRF-EDWARDS25519-SHA512-TAI';
/** A dice draw's alpha is a 32-byte digest; 64 bytes leaves room for the other games' alphas. */
const ALPHA_BYTES = 64;

export interface CryptoFloor {
  readonly prove: number;
  readonly receiptSign: number;
  readonly playerRecovery: number;
  readonly total: number;
}

/** The floor's parts in CPU ms per draw, measured in this process. */
export async function cryptoFloor(): Promise<CryptoFloor> {
  await vrfReady();
  const suite = getSuite(SUITE);
  const secretKey = randomBytes(32);
  const alphas = Array.from({ length: 16 }, () => randomBytes(ALPHA_BYTES));
  const prove = cpuMsPerOp((i) => suite.prove(secretKey, alphas[i % alphas.length]!));
  const sign = createDigestSigner(`0x${randomBytes(32).toString('hex')}`);
  const digests = Array.from({ length: 16 }, () => randomBytes(32));
  const receiptSign = cpuMsPerOp((i) => sign(digests[i % digests.length]!));
  const signatures = digests.map((d) => sign(d));
  const playerRecovery = cpuMsPerOp((i) => recoverAddress(digests[i % digests.length]!, signatures[i % signatures.length]!));
  return { prove, receiptSign, playerRecovery, total: prove + receiptSign + playerRecovery };
}
