/**
 * The court watcher on a real anvil with the real RevealCourt, its cursor in a real SQLite
 * database and proofs from the server's prover pool (server/court/): a case whose answer the
 * sender lost (a crash before its journal entry) holds the cursor and is answered again on a
 * later poll; a receipt the server's records do not hold is logged and passed; a case already
 * answered is not answered twice. The answer to the voided draw pays 0 coins (wins move chips
 * only) and settles its chips in a real chip ledger, committed before the answer is submitted, and once
 * however many times it is submitted. Run for an RFC suite (the court takes the answer as sent) and
 * for ECVRF-SECP256K1-SHA256-TAI (the court verifies it: the watcher sends `answerProven`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, Wallet, type JsonRpcProvider } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { rpcProvider } from '../../server/chain/chain.ts';
import { ensureFairnessContracts } from '../../server/chain/fairness-deployment.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { ChipLedger } from '../../server/chips/chip-ledger.ts';
import type { ServedRules } from '../../server/court/case-answer.ts';
import { courtInterface, PROVEN_SUITE } from '../../server/court/court-contract.ts';
import { startCourtWatcher, type AnswerTransactions } from '../../server/court/court-watcher.ts';
import { SqlCourtCursor } from '../../server/court/court-cursor.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { createProverPool, type Prover } from '../../server/fairness/prover.ts';
import type { RoomRecords } from '../../server/fairness/room-records.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { receiptDigest, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type HashedRecord, type ReceiptRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import { caseStatus, coinBalanceAbi, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SUITES = ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-SECP256K1-SHA256-TAI'] as const;
const vrfSecret = new Uint8Array(32).fill(7);
const operator = randomWallet();
const fairnessKey = randomWallet();
const DICE = PUBLISHED_RULES['dice']!;
const RULES: ServedRules = { dice: { document: DICE, hash: rulesHash(DICE) } };
const STAKE = 10_000_000;
const STARTING_UNITS = 1_000_000_000;

describe.each(SUITES)('the court watcher, VRF suite %s', (suiteName) => {
  const SUITE = getSuite(suiteName);
  const keyId = vrfKeyId(SUITE.name, SUITE.publicKey(vrfSecret));
  let node: AnvilNode;
  let provider: JsonRpcProvider;
  let court: string;
  let assetsAddress: string;
  let database: Database;
  let prover: Prover;

  beforeAll(async () => {
    node = await startAnvil();
    provider = rpcProvider(node.url);
    const admin = await provider.getSigner(0);
    await fund(provider, fairnessKey.address);
    const { abi, bytecode } = readArtifact('GameAssets');
    const { ContractFactory } = await import('ethers');
    const assets = await (await new ContractFactory(abi as never, bytecode, admin).deploy('https://fairplay.example/{id}.json', await admin.getAddress(), 86_400)).waitForDeployment();
    await (await assets.getFunction('configureToken')(1, 10n ** 12n, 10n ** 12n)).wait();
    const deployment = await ensureFairnessContracts(provider, admin, {
      recordFile: join(mkdtempSync(join(tmpdir(), 'court-watcher-')), 'fairness.json'),
      changeDelaySeconds: 86_400,
      court: { answerWindowSeconds: 600, withdrawDelaySeconds: 86_400, coinTokenId: 1, bondCoins: 1_000_000n },
      gameAssets: await assets.getAddress(),
      fairness: fairnessKey.address,
      vrfKey: { keyId, suite: SUITE.name, publicKey: bytesToHex(SUITE.publicKey(vrfSecret)) },
      signer: operator.address,
      rules: [],
    });
    court = deployment.record.court;
    assetsAddress = await assets.getAddress();
    database = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'court-watcher-db-')) });
    prover = createProverPool({ suite: SUITE.name, secretKey: vrfSecret, threads: 1 });
  });
  afterAll(async () => {
    await prover?.close();
    await database?.close();
    provider?.destroy();
    await node?.stop();
  });

  /** A dice receipt this operator signed now for a fresh player, with its seed. */
  async function signedReceipt(roomId: string): Promise<{ record: HashedRecord & ReceiptRecord; player: Wallet; seed: string }> {
    const player = randomWallet();
    const seed = newSeed();
    const issuedAt = (await provider.getBlock('latest'))!.timestamp * 1000;
    const unsigned: UnsignedReceipt = {
      seq: 0, prev: GENESIS_HASH, roomId, drawSeq: 0, type: 'receipt', game: 'dice', kind: 'roll',
      action: { stake: STAKE, target: 5000, direction: 'under' }, players: [player.address], commitments: [seedCommitment(seed)],
      suite: SUITE.name, keyId, issuedAt, rulesHash: RULES['dice']!.hash, revealDeadline: issuedAt + 86_400_000, maxPayout: 19,
    };
    const record = { ...unsigned, signature: operator.signingKey.sign(receiptDigest(unsigned)).serialized } as ReceiptRecord;
    return { record: { ...record, hash: recordHash(record) }, player, seed };
  }

  it('answers again a case whose answer was lost, passes a receipt it does not know, and answers nothing twice', async () => {
    const known = await signedReceipt('room-known');
    const stranger = await signedReceipt('room-elsewhere');
    // The known draw was voided by its room (its seed never came there): the case is answered from the proof.
    const voided = { seq: 1, prev: known.record.hash, roomId: 'room-known', drawSeq: 0, type: 'void', receiptSeq: 0, reason: 'server-restart', missing: [0] } satisfies VoidRecord;
    const knownRecords: HashedRecord[] = [known.record, { ...voided, hash: recordHash(voided) }];
    const rooms: Pick<RoomRecords, 'records'> = { records: async (roomId) => (roomId === 'room-known' ? knownRecords : undefined) };
    const sent: string[] = [];
    const answerer = fairnessKey.connect(provider);
    const chips = await ChipLedger.open(database, STARTING_UNITS);
    await chips.grantBonus(known.player.address);
    // The room's own effects: the stake taken at the receipt, refunded by the void.
    await chips.apply([
      { ref: 'room-known/0/stake', address: known.player.address, delta: -STAKE, reason: 'stake' },
      { ref: 'room-known/0/refund', address: known.player.address, delta: STAKE, reason: 'refund' },
    ]);
    const balances: number[] = [];
    let lose = 1;
    const transactions: AnswerTransactions = {
      async submit(call) {
        sent.push(call.id);
        // The draw's chips are committed before its answer goes out.
        balances.push(await chips.balanceNow(known.player.address));
        // The first answer is lost before anything is journaled or broadcast: a crash.
        if (lose-- > 0) return;
        await (await answerer.sendTransaction({ to: call.to, data: call.data })).wait();
      },
    };
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const cursor = new SqlCourtCursor(database, court);
    const watcher = startCourtWatcher({ court, provider, transactions, rooms, prover, keyId, rules: RULES, chips, cursor, log, pollMs: 3_600_000 });
    try {
      await watcher.poll();
      for (const c of [known, stranger]) await fund(provider, c.player.address);
      const knownCase = await revealToCourt(court, c(known.player), known.record, known.seed);
      await revealToCourt(court, c(stranger.player), stranger.record, stranger.seed);

      await watcher.poll(); // the answer is lost: the case holds the cursor
      expect(sent).toEqual([knownCase.caseId]);
      expect(await caseStatus(courtAt(court, provider), knownCase.caseId)).toBe(1);
      expect(await cursor.next()).toBe(knownCase.tx.blockNumber);
      expect(lines.join('')).toContain('court case not answered: not a draw of this server');

      await watcher.poll(); // still open, and submitted by this run: not proven or sent again
      expect(sent).toEqual([knownCase.caseId]);
    } finally {
      await watcher.stop();
    }
    // A restart forgets what it submitted: the open case is answered again, from where the cursor held.
    const restarted = startCourtWatcher({ court, provider, transactions, rooms, prover, keyId, rules: RULES, chips, cursor, log, pollMs: 3_600_000 });
    try {
      const knownId = bytesToHex(receiptDigest(known.record));
      await waitFor(async () => (await restarted.poll(), (await caseStatus(courtAt(court, provider), knownId)) === 2), { what: 'the case to be answered after the restart', timeout: 60_000 });
      expect(sent).toEqual([knownId, knownId]);
      expect(await new Contract(court, courtInterface, provider).getFunction('provenAnswer')('0x' + knownId)).toBe(suiteName === PROVEN_SUITE);
      const [answered] = await provider.getLogs({ address: court, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + knownId], fromBlock: 0 });
      const event = courtAbi.parseLog(answered!)!;
      const pi = (event.args.getValue('pi') as string).slice(2);
      const verified = SUITE.verify(SUITE.publicKey(vrfSecret), receiptAlpha(known.record, [known.seed]), Buffer.from(pi, 'hex'));
      if (!verified.valid) throw new Error('the answer\'s pi does not verify');
      expect(bytesToHex(verified.beta)).toBe((event.args.getValue('beta') as string).slice(2));
      // What a settled draw would have left: the stake taken, the payout credited; no coins.
      const settled = courtSettlement(known.record, hexToBytes(bytesToHex(verified.beta)), DICE.terms);
      expect(event.args.getValue('payout')).toBe(BigInt(settled.coins));
      const coins = new Contract(assetsAddress, coinBalanceAbi, provider);
      expect(await coins.getFunction('balanceOf')(known.player.address, 1)).toBe(0n);
      const expected = STARTING_UNITS - STAKE + settled.payoutUnits;
      expect(balances).toEqual([expected, expected]);
      expect(await chips.balanceNow(known.player.address)).toBe(expected);
      console.log(`voided draw answered: roll ${String(settled.result['roll'])}, payout ${settled.payoutUnits} units, ${settled.coins} coins`);
      await restarted.poll();
      expect(sent).toHaveLength(2); // answered: closed on chain, never sent again
      expect(await cursor.next()).toBe((await provider.getBlockNumber()) + 1);
      expect(lines.filter((l) => l.includes('not a draw of this server'))).toHaveLength(2); // once per run
    } finally {
      await restarted.stop();
      await chips.close();
    }
    function c(w: Wallet): Wallet {
      return w.connect(provider) as Wallet;
    }
  }, 120_000);
});
