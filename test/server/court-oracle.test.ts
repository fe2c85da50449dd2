/**
 * The reveal court is no oracle (server/court/case-answer.ts): a player who takes a draw still
 * pending in its room to the court must not learn its outcome from the server's answer while they
 * can still choose between revealing the seed to the room (a win) and letting the draw void with
 * its stake refunded (a loss). The answer waits until the room has ended the draw, or until the
 * hold runs out (the room never ended it), and always comes well before `answerBy`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCase, PENDING_HOLD_MS, type CaseAnswerDeps } from '../../server/court/case-answer.ts';
import type { RevealedCase } from '../../server/court/court-contract.ts';
import { createProverPool, type Prover } from '../../server/fairness/prover.ts';
import { getSuite } from '../../vrf/index.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { receiptDigest, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type HashedRecord, type ReceiptRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import { randomWallet } from '../helpers/gambler.ts';

const SUITE = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const vrfSecret = new Uint8Array(32).fill(9);
const keyId = vrfKeyId(SUITE.name, SUITE.publicKey(vrfSecret));
const operator = randomWallet();
const ISSUED_AT = 1_800_000_000_000;
const ROOM = 'room-oracle';

let prover: Prover;
beforeAll(() => {
  prover = createProverPool({ suite: SUITE.name, secretKey: vrfSecret, threads: 1 });
});
afterAll(async () => {
  await prover?.close();
});

/** A single-player dice receipt the operator signed, its seed, and the case the court would open for it. */
function revealedDraw(answerWindowSeconds = 21_600): { receipt: HashedRecord & ReceiptRecord; c: RevealedCase } {
  const player = randomWallet();
  const seed = newSeed();
  const unsigned: UnsignedReceipt = {
    seq: 0, prev: GENESIS_HASH, roomId: ROOM, drawSeq: 0, type: 'receipt', game: 'dice', kind: 'roll',
    action: { stake: 1_000_000, target: 5000, direction: 'under' }, players: [player.address], commitments: [seedCommitment(seed)],
    suite: SUITE.name, keyId, issuedAt: ISSUED_AT, rulesHash: 'ab'.repeat(32), revealDeadline: ISSUED_AT + 86_400_000, maxPayout: 1,
  };
  const record = { ...unsigned, signature: operator.signingKey.sign(receiptDigest(unsigned)).serialized } as ReceiptRecord;
  const caseId = bytesToHex(receiptDigest(record));
  // Revealed on chain ten seconds after issue, while the room's reveal clock still runs.
  const answerBy = Math.floor(ISSUED_AT / 1000) + 10 + answerWindowSeconds;
  return { receipt: { ...record, hash: recordHash(record) }, c: { caseId, player: player.address, roomId: ROOM, drawSeq: 0, seed, answerBy, blockNumber: 1 } };
}

function deps(records: HashedRecord[], now: number): CaseAnswerDeps {
  return { rooms: { records: async () => records }, prover, keyId, now: () => now };
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
    const voided = { seq: 1, prev: receipt.hash, roomId: ROOM, drawSeq: 0, type: 'void', receiptSeq: 0, reason: 'reveal-timeout', missing: [0] } satisfies VoidRecord;
    const answer = await answerCase(c, deps([receipt, { ...voided, hash: recordHash(voided) }], ISSUED_AT + 61_000));
    expect(answer).toMatchObject({ kind: 'answer', from: 'proof' });
  });

  it('is answered anyway once the hold has run out: a room that never ends the draw does not make an honest server pay', async () => {
    const { receipt, c } = revealedDraw();
    expect(await answerCase(c, deps([receipt], ISSUED_AT + PENDING_HOLD_MS))).toMatchObject({ kind: 'answer', from: 'proof' });
  });

  it('is answered at least 30 s before answerBy, however short the answer window', async () => {
    const { receipt, c } = revealedDraw(60);
    const until = c.answerBy * 1000 - 30_000;
    expect(await answerCase(c, deps([receipt], until - 1))).toMatchObject({ kind: 'pending', until });
    expect(await answerCase(c, deps([receipt], until))).toMatchObject({ kind: 'answer', from: 'proof' });
  });
});
