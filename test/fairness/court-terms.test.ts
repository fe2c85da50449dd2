/**
 * The receipt's court terms (FAIRNESS.md section 5c): what each mapping's maxPayout is, that the
 * server writes them on every receipt, that the verifier checks them (and still verifies v2
 * receipts written before them), that a player refuses a receipt without them, and the player's
 * CourtReveal signature against ethers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SigningKey, TypedDataEncoder, Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxHandPayout } from '../../games/blackjack/rules.ts';
import { payoutOnWin } from '../../games/dice/rules.ts';
import { outcomeMappings, PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { courtRevealDigest, signCourtReveal } from '../../vrf/protocol/court-reveal.ts';
import { courtMaxPayout, courtTermsProblems } from '../../vrf/protocol/court-terms.ts';
import { recoverSigner } from '../../vrf/protocol/eip712.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { DOMAIN_V2, DRAW_RECEIPT_COURT, receiptDigest } from '../../vrf/protocol/receipt.ts';
import { recordHash, type ReceiptRecord } from '../../vrf/protocol/records.ts';
import { receiptProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { buildWorkedExample, inputs, type WorkedExample } from './worked-example.ts';

const precourt = JSON.parse(readFileSync(fileURLToPath(new URL('../vectors/transcript-v2-precourt.json', import.meta.url)), 'utf8')) as {
  keys: WorkedExample['keys'];
  transcripts: Transcript[];
};
let example: WorkedExample;
beforeAll(async () => {
  example = await buildWorkedExample();
});

/** The receipt (record 0) of `t` with `change` applied, signed again by the operator and re-hashed: only the court terms are wrong. */
function resigned(t: Transcript, change: Partial<ReceiptRecord>): Transcript {
  const { hash: _h, signature: _s, ...receipt } = { ...(t.records[0] as ReceiptRecord & { hash: string }), ...change };
  const signed = { ...receipt, signature: new SigningKey(inputs.operatorKey).sign(receiptDigest(receipt)).serialized } as ReceiptRecord;
  // Only the receipt is checked: the records after it link to the old hash.
  return { ...t, records: [{ ...signed, hash: recordHash(signed) }] };
}

describe('maxPayout of each mapping', () => {
  const dice = PUBLISHED_RULES['dice']!.terms;
  it('dice: the payout of a win, the only paying result; blackjack: a won double; raid: nothing', () => {
    const bet = { stake: 10_000_000, target: 5000, direction: 'under' };
    expect(outcomeMappings['dice/roll']!.maxPayout(bet, dice)).toBe(payoutOnWin({ ...bet, direction: 'under', edgeBps: 100 }));
    expect(outcomeMappings['dice/roll']!.maxPayout(bet, dice)).toBe(19_800_000);
    expect(outcomeMappings['dice/roll']!.maxPayout({ ...bet, edgeBps: 0 }, undefined)).toBe(20_000_000); // v1: the edge in the action
    expect(outcomeMappings['blackjack/hand']!.maxPayout({ stake: 10_000_000 }, PUBLISHED_RULES['blackjack']!.terms)).toBe(40_000_000);
    expect(maxHandPayout({ stake: 2 })).toBe(8); // 4 × stake beats a natural's 5/2 × stake
    expect(outcomeMappings['raid/chests']!.maxPayout({ round: 1, count: 6 }, PUBLISHED_RULES['raid']!.terms)).toBe(0);
    expect(outcomeMappings['raid/loot']!.maxPayout({ round: 1, chest: 0, table: 'raid-loot-v1' }, PUBLISHED_RULES['raid']!.terms)).toBe(0);
  });

  it('in whole coins, rounded down; a mapping refuses an action it would refuse to play', () => {
    expect(courtMaxPayout({ game: 'dice', kind: 'roll', action: { stake: 10_000_000, target: 5000, direction: 'under' } }, dice)).toBe(19);
    expect(courtMaxPayout({ game: 'blackjack', kind: 'hand', action: { stake: 20_000 } }, undefined)).toBe(0);
    expect(() => courtMaxPayout({ game: 'dice', kind: 'roll', action: { stake: 10, target: 50, direction: 'under' } }, dice)).toThrow(/win chance/);
    expect(() => courtMaxPayout({ game: 'dice', kind: 'spin', action: {} }, dice)).toThrow(/no published mapping/);
  });
});

describe('court terms in receipts', () => {
  it('the server writes them on every receipt: issuedAt + 24 h, and the mapping maxPayout in whole coins', () => {
    const [dice, raid, hand] = [example.dice, example.raid, example.blackjack].map((t) => t.records[0] as ReceiptRecord);
    for (const r of [dice, raid, hand]) expect(r!.revealDeadline).toBe(inputs.now + 86_400_000);
    expect([dice!.maxPayout, raid!.maxPayout, hand!.maxPayout]).toEqual([19, 0, 40]);
  });

  it('the typed data is the struct of the spec, byte for byte', () => {
    expect(TypedDataEncoder.from(DRAW_RECEIPT_COURT.types).encodeType('DrawReceipt')).toBe(
      'DrawReceipt(string roomId,uint64 drawSeq,uint64 recordSeq,bytes32 prevHash,string game,string kind,string action,address[] players,bytes32[] commitments,string suite,string keyId,uint64 issuedAt,bytes32 rulesHash,uint64 revealDeadline,uint64 maxPayout)',
    );
  });

  it('the verifier checks maxPayout and the deadline, even when the operator signed them', () => {
    expect(verifyTranscript(resigned(example.dice, {}), example.keys)).toMatchObject({ ok: true });
    expect(verifyTranscript(resigned(example.dice, { maxPayout: 20 }), example.keys).records[0]!.problems).toEqual([
      "maxPayout 20 where the mapping's most, in whole coins, is 19",
    ]);
    expect(verifyTranscript(resigned(example.blackjack, { maxPayout: 25 }), example.keys).records[0]!.problems).toEqual([
      "maxPayout 25 where the mapping's most, in whole coins, is 40",
    ]);
    expect(verifyTranscript(resigned(example.dice, { revealDeadline: inputs.now }), example.keys).records[0]!.problems).toEqual([
      `revealDeadline ${inputs.now} is not after issuedAt ${inputs.now}`,
    ]);
  });

  it('both or neither: a receipt with one of them does not parse', () => {
    const { maxPayout: _m, ...half } = example.dice.records[0] as ReceiptRecord & { hash: string };
    expect(verifyTranscript({ ...example.dice, records: [half] }, example.keys).records[0]).toMatchObject({ type: 'malformed' });
  });

  it('v2 transcripts written before court terms (test/vectors/transcript-v2-precourt.json) still verify', () => {
    for (const t of precourt.transcripts) {
      expect((t.records[0] as ReceiptRecord).revealDeadline).toBeUndefined();
      expect(verifyTranscript(t, precourt.keys)).toMatchObject({ ok: true, closed: true, version: 2 });
    }
    // Court terms added to such a receipt break its signature: they are signed.
    const added = structuredClone(precourt.transcripts[0]!);
    Object.assign(added.records[0]!, { revealDeadline: inputs.now + 1, maxPayout: 19 });
    expect(verifyTranscript(added, precourt.keys).records[0]!.problems).toContain('receipt not signed by the pinned signer');
  });
});

describe("the player's check before revealing", () => {
  const intended = () => ({
    roomId: 'worked-dice', game: 'dice', kind: 'roll', action: { ...inputs.dice }, address: example.alice,
    commitment: seedCommitment(inputs.seeds.dice), rulesHash: rulesHash(PUBLISHED_RULES['dice']!),
  });
  const receipt = (t: Transcript) => t.records[0] as ReceiptRecord;

  it('requires court terms, the right maxPayout and at least an hour to go to the court', () => {
    expect(receiptProblems(receipt(example.dice), intended(), example.keys, inputs.now)).toEqual([]);
    expect(receiptProblems(receipt(precourt.transcripts[0]!), intended(), precourt.keys, receipt(precourt.transcripts[0]!).issuedAt)).toEqual([
      'receipt carries no court terms (revealDeadline, maxPayout): a withheld outcome could not be taken to the reveal court',
    ]);
    expect(receiptProblems(receipt(resigned(example.dice, { revealDeadline: inputs.now + 3_599_999 })), intended(), example.keys, inputs.now)).toEqual([
      `revealDeadline ${inputs.now + 3_599_999} is less than 1 h after issuedAt ${inputs.now}`,
    ]);
    expect(receiptProblems(receipt(resigned(example.dice, { revealDeadline: inputs.now + 3_600_000 })), intended(), example.keys, inputs.now)).toEqual([]);
    expect(receiptProblems(receipt(resigned(example.dice, { maxPayout: 0 })), intended(), example.keys, inputs.now)).toEqual([
      "maxPayout 0 where the mapping's most, in whole coins, is 19",
    ]);
  });

  it("refuses a receipt whose issuedAt is far from the player's clock: backdated, its court deadline could be past already", () => {
    const backdated = resigned(example.dice, { issuedAt: inputs.now - 7_200_000, revealDeadline: inputs.now - 3_600_000 });
    // Its own terms look right (the deadline is an hour after its issue), but the court would refuse it as too late.
    expect(courtTermsProblems(receipt(backdated), PUBLISHED_RULES['dice']!.terms, 3_600_000)).toEqual([]);
    expect(receiptProblems(receipt(backdated), intended(), example.keys, inputs.now)).toEqual([
      `receipt issuedAt ${new Date(inputs.now - 7_200_000).toISOString()} is more than 10 min from my clock (${new Date(inputs.now).toISOString()})`,
    ]);
    expect(receiptProblems(receipt(example.dice), intended(), example.keys, inputs.now + 600_000)).toEqual([]);
    expect(receiptProblems(receipt(example.dice), intended(), example.keys, inputs.now - 600_001)).toHaveLength(1);
  });
});

describe('CourtReveal', () => {
  it("is the player's EIP-712 signature of the receipt digest, as ethers computes it", async () => {
    const player = Wallet.createRandom();
    const digest = receiptDigest(receipt0());
    const types = { CourtReveal: [{ name: 'receipt', type: 'bytes32' }] };
    expect('0x' + bytesToHex(courtRevealDigest(digest))).toBe(TypedDataEncoder.hash(DOMAIN_V2, types, { receipt: '0x' + bytesToHex(digest) }));
    const signature = await signCourtReveal(player, digest);
    expect(recoverSigner(courtRevealDigest(digest), signature)).toBe(player.address);
    expect(recoverSigner(courtRevealDigest(receiptDigest({ ...receipt0(), maxPayout: 1 })), signature)).not.toBe(player.address);
  });
  const receipt0 = () => example.dice.records[0] as ReceiptRecord;
});

describe('courtTermsProblems', () => {
  it('has nothing to say of a receipt without court terms', () => {
    expect(courtTermsProblems(precourt.transcripts[0]!.records[0] as ReceiptRecord, PUBLISHED_RULES['dice']!.terms)).toEqual([]);
  });
});
