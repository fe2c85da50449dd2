/**
 * What every room's fairness work shares: the VRF suite and key, the receipt signer, the prover
 * pool, the registry of used seed commitments and the indexes fed from the records. Built once
 * at startup from the server's keys.
 * @module
 */
import { SigningKey } from 'ethers';
import type { EcvrfSuite } from '../../vrf/index.ts';
import { vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { closeDigest, receiptDigest, type UnsignedClose, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { LocalCommitmentRegistry, type CommitmentRegistry } from '../indexes/commitments.ts';
import type { RecordIndex } from '../indexes/record-index.ts';
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
  /** Seed commitments already used under this key: a receipt claims its commitments first. */
  readonly commitments: CommitmentRegistry;
  /** The indexes fed from the records (players' draws, used commitments): a room is filed only once they hold its records. */
  readonly index?: RecordIndex;
  /** Told of every record a room journals, once it is durable (metrics, and the indexes). */
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
  /** Default: in memory, for this context alone. */
  commitments?: CommitmentRegistry;
  index?: RecordIndex;
}): FairnessContext {
  const signer = new SigningKey(opts.operatorKey);
  const { index, onRecord } = opts;
  return {
    suite: opts.suite,
    keyId: vrfKeyId(opts.suite.name, opts.vrfPublicKey),
    publicKeyHex: bytesToHex(opts.vrfPublicKey),
    receiptSigner: opts.operatorAddress,
    signReceipt: (r) => signer.sign(receiptDigest(r)).serialized,
    signClose: (r) => signer.sign(closeDigest(r)).serialized,
    prover: opts.prover,
    now: opts.now ?? Date.now,
    commitments: opts.commitments ?? new LocalCommitmentRegistry(),
    ...(index ? { index } : {}),
    ...(onRecord || index
      ? {
          onRecord: (record: HashedRecord, game: string) => {
            onRecord?.(record, game);
            index?.record(record);
          },
        }
      : {}),
  };
}
