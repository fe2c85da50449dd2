/**
 * What every room's fairness work shares: the VRF suite and key, the operator's signer, the
 * rules document of each game and the prover pool. Built once at startup from the server's keys
 * and configuration.
 * @module
 */
import { SigningKey } from 'ethers';
import type { EcvrfSuite } from '../../vrf/index.ts';
import { vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { receiptDigest, sealDigest, type Sealable, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Prover } from './prover.ts';

export interface FairnessContext {
  readonly suite: EcvrfSuite;
  readonly keyId: string;
  readonly publicKeyHex: string;
  readonly receiptSigner: string;
  /** EIP-712 signature of a receipt by the operator key (synchronous: it fixes record order). */
  signReceipt(receipt: UnsignedReceipt): string;
  /** The operator's seal of any other record (protocol v2, FAIRNESS.md section 5b). */
  seal(record: Sealable): string;
  /** The rules each game's draws are played under, and the hash receipts carry, by game id. */
  readonly rules: Readonly<Record<string, { readonly document: RulesDocument; readonly hash: string }>>;
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
  /** The rules document of each game served. */
  rules: readonly RulesDocument[];
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
    seal: (r) => signer.sign(sealDigest(r)).serialized,
    rules: Object.fromEntries(opts.rules.map((document) => [document.game, { document, hash: rulesHash(document) }])),
    prover: opts.prover,
    now: opts.now ?? Date.now,
    ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
  };
}
