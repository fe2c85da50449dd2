/**
 * The VrfSecp256k1 library behind a test-only harness contract (test/chain/contracts), deployed
 * on a node for the chain tests and the `vrf-chain` bench.
 * @module
 */
import type { Contract, Signer } from 'ethers';
import type { Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import { deployTestContract } from './solidity-harness.ts';

/** Compiles and deploys the harness with `signer`. */
export function deployHarness(signer: Signer): Promise<Contract> {
  return deployTestContract('VrfSecp256k1Harness', signer);
}

/** The witnesses as ethers encodes a `Witnesses` struct argument. */
export function witnessArg(w: Secp256k1Witnesses): unknown[] {
  return [BigInt(w.ctr), [...w.nonResidueRoots], [...w.u], [...w.sH], [...w.cGamma], [...w.v]];
}
