/**
 * What every room's fairness work shares: the VRF suite and key, the operator's signer, the
 * rules document of each game, the prover pool, the registry of used seed commitments and the
 * indexes fed from the records. Built once at startup from the server's keys and configuration.
 * @module
 */
import type { RulesArchive } from './rules-archive.ts';
import type { EcvrfSuite } from '../../vrf/index.ts';
import { vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { DEFAULT_REVEAL_WINDOW_MS } from '../../vrf/protocol/court-terms.ts';
import { receiptDigest, sealDigest, type Sealable, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { MemoryCommitmentRegistry, type CommitmentRegistry } from '../indexes/commitments.ts';
import type { RecordIndex } from '../indexes/record-index.ts';
import type { Prover } from './prover.ts';
import { createDigestSigner } from './secp256k1-wasm.ts';
import type { VrfKeyScheduleHolder } from './vrf-key-in-force.ts';

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
  /** How long after its issue a receipt may be taken to the reveal court: its `revealDeadline` is issuedAt plus this. */
  readonly revealCourtWindowMs: number;
  /**
   * The most coins a receipt may promise (its `maxPayout`): the reveal court's free bond, read at
   * start and every minute (chain/court-payout-limit.ts; unlimited until the first read, when no
   * draw is made).
   */
  readonly courtPayoutLimit: { coins: number };
  /**
   * On a suite the reveal court verifies, the registry's VRF key schedule (chain/vrf-key-schedule.ts):
   * no receipt is signed while the server's key is not the one in force (vrf-key-in-force.ts).
   * Not watched on other suites.
   */
  readonly vrfKeySchedule: VrfKeyScheduleHolder;
  /** The rules documents served before (rules-archive.ts), once the database is open: a draw is settled under its receipt's rules. */
  readonly pastRules: { archive?: Pick<RulesArchive, 'find'> };
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
  /** The rules document of each game served. */
  rules: readonly RulesDocument[];
  now?: () => number;
  /** REVEAL_COURT_WINDOW_SECONDS in ms; default 24 hours. */
  revealCourtWindowMs?: number;
  onRecord?: (record: HashedRecord, game: string) => void;
  /** Default: in memory, for this context alone. */
  commitments?: CommitmentRegistry;
  index?: RecordIndex;
}): FairnessContext {
  // libsecp256k1 in WASM: the same signatures as ethers' SigningKey, several times faster, and
  // every receipt is signed on the room's event loop.
  const sign = createDigestSigner(opts.operatorKey);
  const { index, onRecord } = opts;
  return {
    suite: opts.suite,
    keyId: vrfKeyId(opts.suite.name, opts.vrfPublicKey),
    publicKeyHex: bytesToHex(opts.vrfPublicKey),
    receiptSigner: opts.operatorAddress,
    signReceipt: (r) => sign(receiptDigest(r)),
    seal: (r) => sign(sealDigest(r)),
    rules: Object.fromEntries(opts.rules.map((document) => [document.game, { document, hash: rulesHash(document) }])),
    prover: opts.prover,
    revealCourtWindowMs: opts.revealCourtWindowMs ?? DEFAULT_REVEAL_WINDOW_MS,
    courtPayoutLimit: { coins: Number.MAX_SAFE_INTEGER },
    vrfKeySchedule: { watched: false },
    pastRules: {},
    now: opts.now ?? Date.now,
    commitments: opts.commitments ?? new MemoryCommitmentRegistry(),
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
