/**
 * The one place that says which VRF suites a contract can check cheaply, and how their proofs'
 * witnesses are made: for ECVRF-SECP256K1-SHA256-TAI, `VrfSecp256k1.fastVerify` takes the
 * intermediate points of verification (vrf/secp256k1-witnesses.ts) instead of computing them.
 * Every other suite has no on-chain verifier, so its outcomes carry no witnesses.
 *
 * Witnesses are derived from (public key, pi, alpha) alone, so they are shipped with each outcome
 * message but never stored in a record: anyone can recompute them (FAIRNESS.md section 11).
 * @module
 */
import { encodeWitnesses, fastVerifyWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';

/** Witnesses of a valid proof, as lowercase hex of their ABI encoding (no 0x, like pi and beta). */
export type WitnessMaker = (publicKey: Uint8Array, pi: Uint8Array, alpha: Uint8Array) => string;

const makers: Readonly<Record<string, WitnessMaker>> = {
  'ECVRF-SECP256K1-SHA256-TAI': (publicKey, pi, alpha) => bytesToHex(encodeWitnesses(fastVerifyWitnesses(publicKey, pi, alpha))),
};

/** How this suite's witnesses are made, or undefined if no contract takes any for it. */
export function chainWitnessMaker(suite: string): WitnessMaker | undefined {
  return Object.prototype.hasOwnProperty.call(makers, suite) ? makers[suite] : undefined;
}
