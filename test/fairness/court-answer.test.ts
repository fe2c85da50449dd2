/**
 * The check of a court answer (vrf/protocol/court-answer.ts) on the worked example's rooms (fixed
 * keys, FAIRNESS.md section 9): the answer a truthful operator posts passes, for a draw its room
 * settled (the outcome's beta, payout 0) and for one it voided (also 0 coins: the draw is settled
 * in chips); a wrong
 * beta, a proof that does not verify, a payout off by one, a payout for a settled draw, a wrong
 * seed or key each give a problem that says what is wrong.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { courtAnswerProblems, type CourtAnswer } from '../../vrf/protocol/court-answer.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { DrawRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { receiptTerms } from '../../vrf/protocol/record-checks.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { buildWorkedExample, inputs, type WorkedExample } from './worked-example.ts';

let example: WorkedExample;
beforeAll(async () => {
  example = await buildWorkedExample();
});

/** A room's receipt, outcome and the seed the court would have made public. */
function draw(t: Transcript) {
  const receipt = t.records.find((r) => r.type === 'receipt') as ReceiptRecord;
  const outcome = t.records.find((r) => r.type === 'outcome') as OutcomeRecord;
  const { terms } = receiptTerms(receipt, example.keys);
  return { receipt, outcome, seed: outcome.seeds[0]!, terms, records: t.records as readonly DrawRecord[] };
}
/** The room's records as they would stand had the draw been voided: the outcome (and anything after the receipt) gone. */
const voided = (t: Transcript): DrawRecord[] => t.records.filter((r) => r.type === 'receipt');
/** Flips the low bit of the byte at `at` of a hex string. */
const flip = (hex: string, at: number) => hex.slice(0, 2 * at) + (parseInt(hex.slice(2 * at, 2 * at + 2), 16) ^ 1).toString(16).padStart(2, '0') + hex.slice(2 * at + 2);

describe('a court answer', () => {
  it("for a draw its room settled: the outcome's beta and pi, payout 0, is right (0x or bare hex)", () => {
    for (const t of [example.dice, example.blackjack]) {
      const { receipt, outcome, seed, terms, records } = draw(t);
      const answer: CourtAnswer = { beta: outcome.beta, pi: outcome.pi, payout: 0 };
      expect(courtAnswerProblems(receipt, seed, answer, records, example.keys.publicKey, terms)).toEqual([]);
      expect(courtAnswerProblems(receipt, `0x${seed}`, { ...answer, beta: `0x${outcome.beta}`, pi: `0x${outcome.pi}` }, records, `0x${example.keys.publicKey}`, terms)).toEqual([]);
    }
  });

  it('for a voided draw: pays 0 coins, the draw being settled in chips (dice: a win of 19.8 chips; the blackjack hand, standing on 15, loses)', () => {
    const dice = draw(example.dice);
    const settled = courtSettlement(dice.receipt, hexToBytes(dice.outcome.beta), dice.terms);
    expect([settled.payoutUnits, settled.coins]).toEqual([19_800_000, 0]);
    expect(courtAnswerProblems(dice.receipt, dice.seed, { beta: dice.outcome.beta, pi: dice.outcome.pi, payout: 0 }, voided(example.dice), example.keys.publicKey, dice.terms)).toEqual([]);
    const hand = draw(example.blackjack);
    expect(courtAnswerProblems(hand.receipt, hand.seed, { beta: hand.outcome.beta, pi: hand.outcome.pi, payout: 0 }, voided(example.blackjack), example.keys.publicKey, hand.terms)).toEqual([]);
  });

  it('a wrong beta is reported', () => {
    const { receipt, outcome, seed, terms, records } = draw(example.dice);
    expect(courtAnswerProblems(receipt, seed, { beta: flip(outcome.beta, 5), pi: outcome.pi, payout: 0 }, records, example.keys.publicKey, terms)).toEqual(['beta differs from the proof output']);
    // Another draw's beta with that draw's (valid) proof: the proof is not of this draw's alpha.
    const other = draw(example.blackjack).outcome;
    expect(courtAnswerProblems(receipt, seed, { beta: other.beta, pi: other.pi, payout: 0 }, records, example.keys.publicKey, terms)).toEqual([expect.stringMatching(/^proof: /)]);
  });

  it('a pi that does not verify is reported', () => {
    const { receipt, outcome, seed, terms, records } = draw(example.dice);
    for (const pi of [flip(outcome.pi, 40), flip(outcome.pi, 0), outcome.pi.slice(0, -2), ''])
      expect(courtAnswerProblems(receipt, seed, { beta: outcome.beta, pi, payout: 0 }, records, example.keys.publicKey, terms)).toEqual([expect.stringMatching(/^proof: /)]);
  });

  it('any coins paid for a voided draw are reported (the profit the old rule minted, 9, included)', () => {
    const { receipt, outcome, seed, terms } = draw(example.dice);
    for (const payout of [1, 9])
      expect(courtAnswerProblems(receipt, seed, { beta: outcome.beta, pi: outcome.pi, payout }, voided(example.dice), example.keys.publicKey, terms)).toEqual([
        `payout ${payout} where the answer owes 0 coins (the draw is settled in chips)`,
      ]);
  });

  it('a nonzero payout for a draw its room settled is reported, as is a beta other than the outcome record', () => {
    const { receipt, outcome, seed, terms, records } = draw(example.dice);
    expect(courtAnswerProblems(receipt, seed, { beta: outcome.beta, pi: outcome.pi, payout: 9 }, records, example.keys.publicKey, terms)).toEqual([
      'payout 9 for a draw its room settled (in chips): 0 coins are owed',
    ]);
    const forged = records.map((r) => (r.type === 'outcome' ? { ...r, beta: flip(r.beta, 0) } : r));
    expect(courtAnswerProblems(receipt, seed, { beta: outcome.beta, pi: outcome.pi, payout: 0 }, forged, example.keys.publicKey, terms)).toEqual([
      "beta differs from the outcome's beta in the transcript",
    ]);
  });

  it('a payout above maxPayout, a negative or fractional one, a wrong seed, a wrong key, a two-player draw: each said', () => {
    const { receipt, outcome, seed, terms, records } = draw(example.dice);
    const ok = { beta: outcome.beta, pi: outcome.pi };
    const problems = (answer: CourtAnswer, s = seed, key = example.keys.publicKey, r = receipt) => courtAnswerProblems(r, s, answer, voided(example.dice), key, terms);
    expect(problems({ ...ok, payout: 20 })).toEqual(['payout 20 is above the receipt\'s maxPayout 19', "payout 20 where the answer owes 0 coins (the draw is settled in chips)"]);
    expect(problems({ ...ok, payout: -1 })[0]).toBe('payout -1 is not a whole number of coins');
    expect(problems({ ...ok, payout: 9.5 })[0]).toBe('payout 9.5 is not a whole number of coins');
    expect(problems({ ...ok, payout: 9 }, inputs.seeds.blackjack)).toEqual(['the seed does not match the receipt commitment']);
    expect(problems({ ...ok, payout: 9 }, 'zz')).toEqual([expect.stringMatching(/^the answer cannot be checked: /)]);
    expect(problems({ ...ok, payout: 9 }, seed, '11'.repeat(32))).toEqual(['receipt keyId is not the pinned key']);
    const raid = example.raid.records[0] as ReceiptRecord;
    expect(problems({ ...ok, payout: 0 }, seed, example.keys.publicKey, raid)).toEqual(['only a one-player draw goes to the court']);
    expect(courtAnswerProblems(receipt, seed, { ...ok, payout: 0 }, records, example.keys.publicKey, terms)).toEqual([]);
  });
});
