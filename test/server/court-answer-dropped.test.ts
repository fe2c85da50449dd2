/**
 * An answer that can never land is dropped, not retried: the court watcher and the real fairness
 * sender (its journal in a real SQLite database) on a real anvil with the real RevealCourt. A case
 * claimed while the sender cannot broadcast is dropped when the watcher sees it claimed; a case
 * claimed before the sender first tries its answer is dropped at the court's NotOpen refusal.
 * Either way nothing is sent, the sender's queue empties and stays empty, and the log says why
 * once per case.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, type JsonRpcSigner, type Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { SqlMintLog } from '../../server/awards/sql-mint-log.ts';
import { ChipLedger } from '../../server/chips/chip-ledger.ts';
import type { ServedRules } from '../../server/court/case-answer.ts';
import { ANSWERED_TOPIC } from '../../server/court/court-contract.ts';
import { SqlCourtCursor } from '../../server/court/court-cursor.ts';
import { startCourtWatcher, type CourtWatcher } from '../../server/court/court-watcher.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { createProverPool, type Prover } from '../../server/fairness/prover.ts';
import type { RoomRecords } from '../../server/fairness/room-records.ts';
import { ANCHOR_ABI, ANCHORED_TOPIC } from '../../server/fairness-chain/anchor-service.ts';
import { fairnessLogLabel } from '../../server/fairness-chain/fairness-chain.ts';
import { FairnessSender } from '../../server/fairness-chain/fairness-sender.ts';
import { getSuite } from '../../vrf/index.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { receiptDigest, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type HashedRecord, type ReceiptRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import { caseStatus, courtAt, fund, passTime, revealToCourt } from '../helpers/court.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SUITE = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const vrfSecret = new Uint8Array(32).fill(9);
const keyId = vrfKeyId(SUITE.name, SUITE.publicKey(vrfSecret));
const operator = randomWallet();
const fairnessKey = randomWallet();
const DICE = PUBLISHED_RULES['dice']!;
const RULES: ServedRules = { dice: { document: DICE, hash: rulesHash(DICE) } };
const STAKE = 10_000_000;
const WINDOW = 600;
const DROPPED = 'fairness transaction dropped: it can never succeed';
const RETRYING = 'the contract refuses a fairness transaction now';

let chain: FairnessChain;
let court: string;
let registry: string;
let database: Database;
let prover: Prover;

beforeAll(async () => {
  chain = await startFairnessChain();
  const admin = chain.signers[0] as JsonRpcSigner;
  const adminAddress = await admin.getAddress();
  const assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/{id}.json', adminAddress, 86_400);
  await mined(assets.getFunction('configureToken')(1, 10n ** 12n, 10n ** 12n));
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  const reg = await chain.deploy('FairnessRegistry', admin, adminAddress, 86_400);
  await mined(reg.getFunction('registerSigner')(operator.address));
  const c = await chain.deploy('RevealCourt', admin, await reg.getAddress(), await assets.getAddress(), 1, WINDOW, 86_400, adminAddress);
  await mined(c.getFunction('grantRole')(await c.getFunction('ANSWER_ROLE')(), fairnessKey.address));
  await mined(assets.getFunction('mintAwards')([await c.getAddress()], [1], [1_000_000], ['0x' + '11'.repeat(32)]));
  [court, registry] = [await c.getAddress(), await reg.getAddress()];
  await fund(chain.provider, fairnessKey.address);
  database = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'court-answer-dropped-')) });
  prover = createProverPool({ suite: SUITE.name, secretKey: vrfSecret, threads: 1 });
});
afterAll(async () => {
  await prover?.close();
  await database?.close();
  await chain?.close();
});

/** A dice receipt this operator signed now for a fresh funded player, voided by its room (so the answer is made from the proof). */
async function voidedDraw(roomId: string): Promise<{ records: HashedRecord[]; record: ReceiptRecord; player: Wallet; seed: string }> {
  const player = randomWallet().connect(chain.provider) as Wallet;
  await fund(chain.provider, player.address);
  const seed = newSeed();
  const issuedAt = (await chain.now()) * 1000;
  const unsigned: UnsignedReceipt = {
    seq: 0, prev: GENESIS_HASH, roomId, drawSeq: 0, type: 'receipt', game: 'dice', kind: 'roll',
    action: { stake: STAKE, target: 5000, direction: 'under' }, players: [player.address], commitments: [seedCommitment(seed)],
    suite: SUITE.name, keyId, issuedAt, rulesHash: RULES['dice']!.hash, revealDeadline: issuedAt + 86_400_000, maxPayout: 19,
  };
  const record = { ...unsigned, signature: operator.signingKey.sign(receiptDigest(unsigned)).serialized } as ReceiptRecord;
  const hashed = { ...record, hash: recordHash(record) };
  const voided = { seq: 1, prev: hashed.hash, roomId, drawSeq: 0, type: 'void', receiptSeq: 0, reason: 'server-restart', missing: [0] } satisfies VoidRecord;
  return { records: [hashed, { ...voided, hash: recordHash(voided) }], record, player, seed };
}

describe('an answer whose court case was claimed first', () => {
  it('is dropped by the sender, never sent, and logged once, whether the watcher or the court says so first', async () => {
    const first = await voidedDraw('room-watcher-sees');
    const second = await voidedDraw('room-court-refuses');
    const byRoom = new Map([['room-watcher-sees', first.records], ['room-court-refuses', second.records]]);
    const rooms: Pick<RoomRecords, 'records'> = { records: async (roomId) => byRoom.get(roomId) };
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const journal = new SqlMintLog(database, fairnessLogLabel(registry));
    let broadcast = false;
    const sender = new FairnessSender({
      log: journal,
      contract: new Contract(registry, ANCHOR_ABI, chain.provider),
      topics: new Map([[registry.toLowerCase(), ANCHORED_TOPIC], [court.toLowerCase(), ANSWERED_TOPIC]]),
      wallet: fairnessKey.connect(chain.provider),
      provider: chain.provider,
      chainId: (await chain.provider.getNetwork()).chainId,
      confirmations: 1,
      receiptTimeoutMs: 10_000,
      logger: log.child({ component: 'fairness-sender' }),
      mayBroadcast: () => broadcast,
    });
    const chips = await ChipLedger.open(database, 1_000_000_000);
    let watcher: CourtWatcher | undefined;
    sender.start();
    try {
      watcher = startCourtWatcher({
        court, provider: chain.provider, rooms, prover, keyId, rules: RULES, chips, log, pollMs: 3_600_000,
        cursor: new SqlCourtCursor(database, court),
        transactions: { submit: async (call) => sender.enqueue(call), drop: (id, reason) => sender.drop(id, reason) },
      });
      const courtContract = courtAt(court, chain.provider);
      const cases = [];
      for (const d of [first, second]) cases.push(await revealToCourt(court, d.player, d.record, d.seed));
      await watcher.poll();
      expect(sender.queued).toBe(2); // both answers queued, neither sent: this process may not broadcast yet

      // The window runs out and the first case is claimed; the watcher sees it and drops its answer.
      await passTime(chain.provider, Math.max(...cases.map((c) => c.answerBy)));
      await mined(courtContract.connect(first.player).getFunction('claim')('0x' + cases[0]!.caseId));
      await watcher.poll();
      expect(sender.queued).toBe(1);
      expect(lines.filter((l) => l.includes('court case claimed before our answer landed'))).toHaveLength(1);

      // The second is claimed unseen by the watcher: the sender meets the court's NotOpen and drops it.
      await mined(courtContract.connect(second.player).getFunction('claim')('0x' + cases[1]!.caseId));
      broadcast = true;
      await waitFor(() => sender.queued === 0, { what: 'the second answer to be dropped' });
      await sender.idle();
      await sender.idle(); // two more turns of the loop: nothing is tried again
      await watcher.poll();
      await watcher.poll();

      const dropped = lines.filter((l) => l.includes(DROPPED)).map((l) => JSON.parse(l) as { id: string; reason: string });
      console.log(`dropped answers: ${dropped.map((d) => `${d.id.slice(0, 8)}… (${d.reason})`).join('; ')}`);
      expect(dropped).toEqual([
        expect.objectContaining({ id: cases[0]!.caseId, reason: 'its court case was claimed' }),
        expect.objectContaining({ id: cases[1]!.caseId, reason: 'the contract refuses it for good: NotOpen' }),
      ]);
      expect(lines.filter((l) => l.includes(RETRYING))).toEqual([]);
      expect(lines.filter((l) => l.includes('court case claimed before our answer landed'))).toHaveLength(2);
      expect(await journal.mayBeOnChain(cases.map((c) => c.caseId))).toEqual(new Set()); // never broadcast
      expect(await journal.unresolved()).toEqual([]);
      for (const c of cases) expect(await caseStatus(courtContract, c.caseId)).toBe(3);
    } finally {
      await watcher?.stop();
      await sender.stop();
      await chips.close();
    }
  }, 120_000);
});
