/**
 * What every room's fairness work shares: the VRF suite and key, the receipt signer and the
 * prover pool. Built once at startup from the server's keys.
 * @module
 */
import { SigningKey } from 'ethers';
import type { EcvrfSuite } from '../../vrf/index.ts';
import { vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { closeDigest, receiptDigest, type UnsignedClose, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Prover } from './prover.ts';

export interface FairnessContext {
  readonly suite: EcvrfSuite;
  readonly keyId: string;
  readonly publicKeyHex: string;
  readonly receiptSigner: string;
  /** EIP-712 signature of a receipt by the operator key (synchronous: it fixes record order). */
  signReceipt(receipt: UnsignedReceipt): string;
  /** EIP-712 signature of a room's close record by the operator key. */
  signClose(close: UnsignedClose): string;
  readonly prover: Prover;
  now(): number;
  /** Told of every record a room journals (metrics). */
  readonly onRecord?: (record: HashedRecord, game: string) => void;
}

export function createFairnessContext(opts: {
  suite: EcvrfSuite;
  vrfPublicKey: Uint8Array;
  operatorKey: string;
  operatorAddress: string;
  prover: Prover;
  now?: () => number;
  onRecord?: (record: HashedRecord, game: string) => void;
}): FairnessContext {
  const signer = new SigningKey(opts.operatorKey);
  return {
    suite: opts.suite,
    keyId: vrfKeyId(opts.suite.name, opts.vrfPublicKey),
    publicKeyHex: bytesToHex(opts.vrfPublicKey),
    receiptSigner: opts.operatorAddress,
    signReceipt: (r) => signer.sign(receiptDigest(r)).serialized,
    signClose: (r) => signer.sign(closeDigest(r)).serialized,
    prover: opts.prover,
    now: opts.now ?? Date.now,
    ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
  };
}
