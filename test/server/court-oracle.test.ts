/**
 * The reveal court is no oracle (server/court/case-answer.ts): a player who takes a draw still
 * pending in its room to the court must not learn its outcome from the server's answer while they
 * can still choose between revealing the seed to the room (a win) and letting the draw void with
 * its stake refunded (a loss). The answer waits until the room has ended the draw, or until the
 * hold runs out (the room never ended it), never earlier, even when the court's window closes first.
 *
 * And what each answer pays and does to chips: nothing for a draw its room settled; for a draw
 * proven now, 0 coins and the chips its outcome owes under the served rules (the refunded stake
 * taken again when the room voided it), under the rules the receipt names, also when the server
 * no longer serves them but kept them (fairness/rules-archive.ts); none at all for a receipt under
 * rules it never served, kept damaged, or played by a mapping version it no longer runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutOnWin } from '../../games/dice/rules.ts';
import { dice } from '../../games/dice/rules.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesDocument, rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { SqlRulesArchive } from '../../server/fairness/rules-archive.ts';
import { answerCase, PENDING_HOLD_MS, type CaseAnswerDeps, type ServedRules } from '../../server/court/case-answer.ts';
import type { RevealedCase } from '../../server/court/court-contract.ts';
import { createProverPool, type Prover } from '../../server/fairness/prover.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { receiptDigest, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type HashedRecord, type OutcomeRecord, type ReceiptRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import { randomWallet } from '../helpers/gambler.ts';

const SUITE = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const vrfSecret = new Uint8Array(32).fill(9);
const keyId = vrfKeyId(SUITE.name, SUITE.publicKey(vrfSecret));
const operator = randomWallet();
const ISSUED_AT = 1_800_000_000_000;
const ROOM = 'room-oracle';
const DICE = PUBLISHED_RULES['dice']!;
const RULES: ServedRules = { dice: { document: DICE, hash: rulesHash(DICE) } };
/** Ten chips at 50%: a win pays 19.8 chips (in chips; the answer pays 0 coins), within the receipt's maxPayout of 19. */
const STAKE = 10_000_000;

let prover: Prover;
let database: Database;
/** The archive's log lines: a damaged row is said so. */
const archiveLog: string[] = [];
let archive: SqlRulesArchive;
beforeAll(async () => {
  prover = createProverPool({ suite: SUITE.name, secretKey: vrfSecret, threads: 1 });
  database = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'court-oracle-db-')) });
  archive = new SqlRulesArchive(database, pino({ level: 'info' }, { write: (line: string) => void archiveLog.push(line) }));
});
afterAll(async () => {
  await prover?.close();
  await database?.close();
});

/** A single-player dice receipt the operator signed, its seed, and the case the court would open for it. */
function revealedDraw(answerWindowSeconds = 21_600, rules = RULES['dice']!.hash): { receipt: HashedRecord & ReceiptRecord; c: RevealedCase } {
  const player = randomWallet();
  const seed = newSeed();
  const unsigned: UnsignedReceipt = {
    seq: 0, prev: GENESIS_HASH, roomId: ROOM, drawSeq: 0, type: 'receipt', game: 'dice', kind: 'roll',
    action: { stake: STAKE, target: 5000, direction: 'under' }, players: [player.address], commitments: [seedCommitment(seed)],
    suite: SUITE.name, keyId, issuedAt: ISSUED_AT, rulesHash: rules, revealDeadline: ISSUED_AT + 86_400_000, maxPayout: 19,
  };
  const record = { ...unsigned, signature: operator.signingKey.sign(receiptDigest(unsigned)).serialized } as ReceiptRecord;
  const caseId = bytesToHex(receiptDigest(record));
  // Revealed on chain ten seconds after issue, while the room's reveal clock still runs.
  const answerBy = Math.floor(ISSUED_AT / 1000) + 10 + answerWindowSeconds;
  return { receipt: { ...record, hash: recordHash(record) }, c: { caseId, player: player.address, roomId: ROOM, drawSeq: 0, seed, answerBy, blockNumber: 1 } };
}

function deps(records: HashedRecord[], now: number): CaseAnswerDeps {
  return { rooms: { records: async () => records }, prover, keyId, rules: RULES, now: () => now };
}

/** The room's void of the receipt's draw, linked after it. */
function voidOf(receipt: HashedRecord & ReceiptRecord): HashedRecord {
  const voided = { seq: 1, prev: receipt.hash, roomId: ROOM, drawSeq: 0, type: 'void', receiptSeq: 0, reason: 'reveal-timeout', missing: [0] } satisfies VoidRecord;
  return { ...voided, hash: recordHash(voided) };
}

describe('a court case for a draw still pending in its room', () => {
  it('is not answered while the room may still settle or void the draw', async () => {
    const { receipt, c } = revealedDraw();
    const answer = await answerCase(c, deps([receipt], ISSUED_AT + 15_000));
    expect(answer.kind).toBe('pending');
    if (answer.kind === 'pending') expect(answer.until).toBe(ISSUED_AT + PENDING_HOLD_MS);
  });

  it('is answered from the proof once the room has voided the draw', async () => {
    const { receipt, c } = revealedDraw();
    const answer = await answerCase(c, deps([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'answer', from: 'proof' });
  });

  it('is answered anyway once the hold has run out: a room that never ends the draw does not make an honest server pay', async () => {
    const { receipt, c } = revealedDraw();
    expect(await answerCase(c, deps([receipt], ISSUED_AT + PENDING_HOLD_MS))).toMatchObject({ kind: 'answer', from: 'proof' });
  });

  it('is never answered before the hold ends, even when the court closes first: pending, and said to be late', async () => {
    const { receipt, c } = revealedDraw(60);
    const until = ISSUED_AT + PENDING_HOLD_MS;
    expect(c.answerBy * 1000).toBeLessThan(until);
    const early = await answerCase(c, deps([receipt], c.answerBy * 1000 - 30_000));
    expect(early).toMatchObject({ kind: 'pending', until });
    if (early.kind === 'pending') expect(early.late).toMatch(/the court's window is too short for this server/);
    expect(await answerCase(c, deps([receipt], until - 1))).toMatchObject({ kind: 'pending', until });
    expect(await answerCase(c, deps([receipt], until))).toMatchObject({ kind: 'answer', from: 'proof' });
    // The room ending the draw within the court's window still gets it answered then.
    expect(await answerCase(c, deps([receipt, voidOf(receipt)], c.answerBy * 1000 - 30_000))).toMatchObject({ kind: 'answer', from: 'proof' });
  });

  it('is not said to be late under a court window of 900 s (the least COURT_ANSWER_SECONDS)', async () => {
    const { receipt, c } = revealedDraw(900);
    const answer = await answerCase(c, deps([receipt], ISSUED_AT + 15_000));
    expect(answer).toEqual({ kind: 'pending', until: ISSUED_AT + PENDING_HOLD_MS });
  });
});

describe('what an answer pays and does to chips', () => {
  it('a voided draw: 0 coins, its payout credited in chips and the refunded stake taken again', async () => {
    let seen = { win: 0, loss: 0 };
    // A 50% bet: eight draws see both a win and a loss but for odds of 1 in 128.
    for (let i = 0; i < 8 || seen.win === 0 || seen.loss === 0; i++) {
      if (i >= 40) throw new Error(`40 draws and ${JSON.stringify(seen)}: both a win and a loss should have come`);
      const { receipt, c } = revealedDraw();
      const answer = await answerCase(c, deps([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
      if (answer.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
      const s = courtSettlement(receipt, answer.beta, DICE.terms);
      const ref = `${ROOM}/0`;
      expect(answer.payout).toBe(s.coins);
      expect(answer.payout).toBe(0);
      expect(answer.chips).toEqual([
        ...(s.payoutUnits > 0 ? [{ ref: `${ref}/court-payout`, address: receipt.players[0], delta: s.payoutUnits, reason: 'payout' }] : []),
        { ref: `${ref}/court-stake`, address: receipt.players[0], delta: -STAKE, reason: 'stake' },
      ]);
      if (s.payoutUnits > 0) seen = { ...seen, win: seen.win + 1 };
      else seen = { ...seen, loss: seen.loss + 1 };
    }
    console.log(`court answers to voided 10-chip dice draws at 50%: ${seen.win} won, ${seen.loss} lost (a win's payout ${payoutOnWin({ stake: STAKE, target: 5000, direction: 'under', edgeBps: Number(DICE.terms['edgeBps']) })} units, 0 coins)`);
  });

  it('a draw its room never ended: its payout only (its stake was taken and never refunded)', async () => {
    for (;;) {
      const { receipt, c } = revealedDraw();
      const answer = await answerCase(c, deps([receipt], ISSUED_AT + PENDING_HOLD_MS));
      if (answer.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
      const s = courtSettlement(receipt, answer.beta, DICE.terms);
      expect(answer.chips.filter((e) => e.reason === 'stake')).toEqual([]);
      if (s.payoutUnits === 0) continue; // a loss moves nothing; a win is what this checks
      expect(answer.chips).toEqual([{ ref: `${ROOM}/0/court-payout`, address: receipt.players[0], delta: s.payoutUnits, reason: 'payout' }]);
      return;
    }
  });

  it('a draw its room settled: its outcome record, 0 coins and no chips (the room settled it)', async () => {
    const { receipt, c } = revealedDraw();
    const { beta, pi } = await prover.prove(receiptAlpha(receipt, [c.seed]));
    const outcome = {
      seq: 1, prev: receipt.hash, roomId: ROOM, drawSeq: 0, type: 'outcome', receiptSeq: 0, seeds: [c.seed],
      alpha: bytesToHex(receiptAlpha(receipt, [c.seed])), beta: bytesToHex(beta), pi: bytesToHex(pi), result: courtSettlement(receipt, beta, DICE.terms).result,
    } satisfies OutcomeRecord;
    const answer = await answerCase(c, deps([receipt, { ...outcome, hash: recordHash(outcome) }], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'answer', from: 'outcome', payout: 0, chips: [] });
  });

  it('a receipt under rules no longer served: not answered, and said to be claimable', async () => {
    const { receipt, c } = revealedDraw(21_600, 'ab'.repeat(32));
    const answer = await answerCase(c, deps([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'unknown', claimable: true });
    if (answer.kind === 'unknown') expect(answer.reason).toMatch(/names rules abababababababab…, which this server has not kept \(it serves dice under/);
  });
});

describe('a receipt under rules served before (a rules change since)', () => {
  /** The dice rules before the operator raised the edge: 3%, where the served rules take 1%. */
  const EARLIER = rulesDocument(dice, { edgeBps: 300 });
  const withArchive = (records: HashedRecord[], now: number): CaseAnswerDeps => ({ ...deps(records, now), pastRules: archive });

  it('is answered under its own (earlier) terms, kept by hash: the payout its receipt was bet under', async () => {
    await archive.keep([EARLIER], ISSUED_AT - 86_400_000);
    await archive.keep([EARLIER]); // a later start keeps nothing twice
    expect(rulesHash(EARLIER)).not.toBe(RULES['dice']!.hash);
    for (let i = 0; ; i++) {
      if (i >= 40) throw new Error('40 draws at 50% and no win');
      const { receipt, c } = revealedDraw(21_600, rulesHash(EARLIER));
      const answer = await answerCase(c, withArchive([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
      if (answer.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
      const earlier = courtSettlement(receipt, answer.beta, EARLIER.terms);
      const served = courtSettlement(receipt, answer.beta, DICE.terms);
      expect(answer.payout).toBe(earlier.coins);
      if (earlier.payoutUnits === 0) continue; // a loss pays nothing under either: a win tells them apart
      expect(earlier.payoutUnits).not.toBe(served.payoutUnits);
      expect(answer.chips).toContainEqual({ ref: `${ROOM}/0/court-payout`, address: receipt.players[0], delta: earlier.payoutUnits, reason: 'payout' });
      console.log(`a win under the earlier 3% edge: ${earlier.payoutUnits} units, where the served 1% would pay ${served.payoutUnits} units (0 coins either way)`);
      return;
    }
  });

  it('a kept document whose text no longer hashes to its key is not trusted: claimable, and logged', async () => {
    const tampered: RulesDocument = { ...EARLIER, terms: { ...EARLIER.terms, edgeBps: 0 } };
    const hash = rulesHash({ ...EARLIER, terms: { ...EARLIER.terms, edgeBps: 400 } });
    await database.db.insertInto('rules_documents').values({ hash, game: 'dice', document: JSON.stringify(tampered), first_served_at: ISSUED_AT }).execute();
    const { receipt, c } = revealedDraw(21_600, hash);
    const answer = await answerCase(c, withArchive([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'unknown', claimable: true });
    expect(archiveLog.join('')).toMatch(/a kept rules document is damaged: not used.*/);
    expect(archiveLog.some((l) => l.includes(hash) && l.includes('its text hashes to'))).toBe(true);
  });

  it('a kept document of a mapping version this server no longer runs: claimable, naming it', async () => {
    const older: RulesDocument = { ...EARLIER, mappings: { ...EARLIER.mappings, roll: 'dice-v0' } };
    await archive.keep([older]);
    const { receipt, c } = revealedDraw(21_600, rulesHash(older));
    const answer = await answerCase(c, withArchive([receipt, voidOf(receipt)], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'unknown', claimable: true });
    if (answer.kind === 'unknown') expect(answer.reason).toMatch(/by mapping dice-v0, and this server runs dice-v\d+: that mapping's code is gone/);
  });
});

