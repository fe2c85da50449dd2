/**
 * Which awards the minter mints with their draw's proof (GameAssets.mintWithProof), and the call
 * for each: a raid loot item drawn under ECVRF-SECP256K1-SHA256-TAI, whose receipt pins a rules
 * hash the contract has a loot table for. Everything the call needs is already public and
 * durable in the room's records (the award's source names the outcome record; the outcome names
 * its receipt), so the award itself carries no more than before: the call is rebuilt from the
 * records when the award is minted, and again on any retry.
 * @module
 */
import type { Contract } from 'ethers';
import type { HashedRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { fastVerifyWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import type { Award } from './award-sink.ts';
import type { LootTablePlan } from '../chain/deployment.ts';
import { isItemLoot, lootTableOf } from '../../games/raid/rules.ts';
import type { RulesDocument } from '../../games/rules-document.ts';

/** The one suite the contract verifies. */
export const PROVEN_SUITE = 'ECVRF-SECP256K1-SHA256-TAI';

/** The arguments of `mintWithProof(draw, pi, witnesses, tokenId)`, as ethers encodes them. */
export interface ProvenLootCall {
  readonly draw: {
    readonly keyId: string;
    readonly roomId: string;
    readonly drawSeq: number;
    readonly round: number;
    readonly chest: number;
    readonly players: readonly string[];
    readonly seeds: readonly string[];
    readonly prevHash: string;
    readonly rulesHash: string;
    readonly recordSeq: number;
    readonly recordHash: string;
  };
  readonly pi: string;
  readonly witnesses: readonly unknown[];
  readonly tokenId: number;
}

/** A proven award that cannot be sent: the minter holds it with this reason, never retries in a loop. */
export class UnprovableAward extends Error {}

/** Where the minter finds the call for an award; undefined: mint it in a plain batch. */
export interface ProvenAwards {
  callFor(award: Award): Promise<ProvenLootCall | undefined>;
}

/** The records the call is built from: a room's records from `from` on (SqlRoomRecords). */
export interface RoomRecordReader {
  records(roomId: string, page: { from: number; limit: number }): Promise<HashedRecord[] | undefined>;
}

const h = (hex: string) => '0x' + hex.replace(/^0x/, '');

function witnessArgs(w: Secp256k1Witnesses): unknown[] {
  return [BigInt(w.ctr), [...w.nonResidueRoots], [...w.u], [...w.sH], [...w.cGamma], [...w.v]];
}

/**
 * The call for `award` from its outcome record and receipt, or undefined when the draw is not
 * a proven kind (another suite or game, a v1 receipt without rules hash). Throws
 * UnprovableAward when it is, but the records do not fit the award.
 */
export function provenLootCall(award: Award, outcome: OutcomeRecord, receipt: ReceiptRecord, publicKey: Uint8Array): ProvenLootCall | undefined {
  if (receipt.suite !== PROVEN_SUITE || receipt.game !== 'raid' || receipt.kind !== 'loot' || receipt.rulesHash === undefined) return undefined;
  if (outcome.drawSeq !== award.source.drawSeq || receipt.drawSeq !== award.source.drawSeq || receipt.players.length !== 1)
    throw new UnprovableAward(`award ${award.awardId}: its records are not one loot draw of seq ${award.source.drawSeq}`);
  const action = receipt.action as { round?: unknown; chest?: unknown };
  if (typeof action.round !== 'number' || typeof action.chest !== 'number') throw new UnprovableAward(`award ${award.awardId}: the receipt's action is not a loot action`);
  let witnesses: Secp256k1Witnesses;
  try {
    witnesses = fastVerifyWitnesses(publicKey, hexToBytes(outcome.pi), hexToBytes(outcome.alpha));
  } catch (e) {
    throw new UnprovableAward(`award ${award.awardId}: the draw's proof has no witnesses (${(e as Error).message})`);
  }
  return {
    draw: {
      keyId: h(receipt.keyId),
      roomId: receipt.roomId,
      drawSeq: receipt.drawSeq,
      round: action.round,
      chest: action.chest,
      players: [...receipt.players],
      seeds: outcome.seeds.map(h),
      prevHash: h(receipt.prev),
      rulesHash: h(receipt.rulesHash),
      recordSeq: award.source.recordSeq,
      recordHash: h(award.source.recordHash),
    },
    pi: h(outcome.pi),
    witnesses: witnessArgs(witnesses),
    tokenId: award.tokenId,
  };
}

/**
 * The loot tables to register on GameAssets: the raid rules document's (games/raid/rules.ts,
 * `lootTableOf`), under its hash; tokenId 0 marks bonus chips.
 */
export function provenLootTables(rules: Readonly<Record<string, { readonly document: RulesDocument; readonly hash: string }>>): LootTablePlan[] {
  const raid = rules['raid'];
  if (!raid) return [];
  const rows = lootTableOf(raid.document.terms).map((l) => ({ weight: l.weight, tokenId: isItemLoot(l) ? l.tokenId : 0, amount: l.amount }));
  return [{ rulesHash: raid.hash.replace(/^0x/, ''), rows }];
}

/** One record of a room, by its seq. */
async function recordAt(records: RoomRecordReader, roomId: string, seq: number): Promise<HashedRecord | undefined> {
  return (await records.records(roomId, { from: seq, limit: 1 }))?.[0];
}

/**
 * The server's ProvenAwards: reads the award's outcome and receipt records, and the key and loot
 * table from GameAssets. A draw whose rules hash has no loot table on the contract, or whose key
 * the contract does not hold with the suite, goes to the plain batch (a deployment that
 * registered neither mints as before), said once per rules hash and once per key.
 */
export class ProvenLootSource implements ProvenAwards {
  /** Keys found on the contract with the proven suite (a key not found is asked again next time). */
  readonly #keys = new Map<string, Uint8Array>();
  readonly #tables = new Map<string, boolean>();
  /** Keys said to be missing (asked again each time, said once). */
  readonly #keysMissing = new Set<string>();

  constructor(
    private readonly records: RoomRecordReader,
    private readonly contract: Contract,
    private readonly onNoTable: (rulesHash: string) => void = () => undefined,
    private readonly onNoKey: (keyId: string) => void = () => undefined,
  ) {}

  async callFor(award: Award): Promise<ProvenLootCall | undefined> {
    const { roomId, recordSeq } = award.source;
    const outcome = await recordAt(this.records, roomId, recordSeq);
    if (outcome?.type !== 'outcome') return undefined; // not a draw's award (a cash-out's names no record)
    const receipt = await recordAt(this.records, roomId, outcome.receiptSeq);
    if (receipt?.type !== 'receipt') throw new UnprovableAward(`award ${award.awardId}: outcome ${recordSeq} names no receipt`);
    if (receipt.suite !== PROVEN_SUITE || receipt.rulesHash === undefined) return undefined;
    if (!(await this.#hasTable(receipt.rulesHash))) return undefined;
    const publicKey = await this.#key(receipt.keyId);
    // A key the contract does not hold with this suite cannot prove anything there: the batch mints the award, as before.
    if (!publicKey) return undefined;
    return provenLootCall(award, outcome, receipt, publicKey);
  }

  async #key(keyId: string): Promise<Uint8Array | undefined> {
    if (!this.#keys.has(keyId)) {
      const key = (await this.contract.getFunction('vrfKey')(h(keyId))) as { suite: string; publicKey: string };
      if (key.suite === PROVEN_SUITE) this.#keys.set(keyId, hexToBytes(key.publicKey.slice(2)));
      else if (!this.#keysMissing.has(keyId)) {
        this.#keysMissing.add(keyId);
        this.onNoKey(keyId);
      }
    }
    return this.#keys.get(keyId);
  }

  async #hasTable(rulesHash: string): Promise<boolean> {
    if (!this.#tables.get(rulesHash)) {
      let rows: unknown[] = [];
      try {
        rows = (await this.contract.getFunction('lootTable')(h(rulesHash))) as unknown[];
      } catch (e) {
        // A contract that predates mintWithProof: every award goes to the batch, as before.
        const code = (e as { code?: string }).code;
        if (code !== 'CALL_EXCEPTION' && code !== 'BAD_DATA') throw e;
      }
      if (rows.length === 0 && !this.#tables.has(rulesHash)) this.onNoTable(rulesHash);
      this.#tables.set(rulesHash, rows.length > 0);
    }
    return this.#tables.get(rulesHash)!;
  }
}
