/**
 * How a court answer settles a draw its transcript never settled (vrf/protocol/court-payout.ts):
 * the outcome of the answered beta with no moves, settled in chips (its payout), and 0 coins (wins
 * and losses move chips only). Checked
 * against the games' own rules: the worked example's dice beta (roll 2837) as a win and as a loss,
 * and blackjack hands (the worked example's, and hands dealt from fixed betas until each outcome
 * has come up) auto-standing on their first two cards, paid as the rules' text says.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deckOf, handResult, handState, isNatural, type BlackjackOutcome } from '../../games/blackjack/rules.ts';
import { diceOutcome, payoutOnWin } from '../../games/dice/rules.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { OutcomeRecord } from '../../vrf/protocol/records.ts';
import { buildWorkedExample, type WorkedExample } from './worked-example.ts';

let example: WorkedExample;
beforeAll(async () => {
  example = await buildWorkedExample();
});
const betaOf = (records: WorkedExample['dice']['records']) => hexToBytes((records.find((r) => r.type === 'outcome') as OutcomeRecord).beta);
const diceTerms = PUBLISHED_RULES['dice']!.terms;
const blackjackTerms = PUBLISHED_RULES['blackjack']!.terms;
const STAKE = 10_000_000; // 10 chips

describe('court settlement of a dice roll', () => {
  it('a win is settled by its payout in chips, a loss by none; the answer pays 0 coins either way', () => {
    const beta = betaOf(example.dice.records);
    const roll = diceOutcome(beta, { stake: 1, target: 5000, direction: 'under', edgeBps: 100 }).roll;
    expect(roll).toBe(2837); // the worked example's roll (FAIRNESS.md section 9)
    const win = courtSettlement({ game: 'dice', kind: 'roll', action: { stake: STAKE, target: 5000, direction: 'under' } }, beta, diceTerms);
    expect(win.result).toEqual({ roll, win: true, payout: 19_800_000 });
    expect(win.payoutUnits).toBe(payoutOnWin({ stake: STAKE, target: 5000, direction: 'under', edgeBps: 100 }));
    expect([win.stakeUnits, win.coins]).toEqual([STAKE, 0]); // 19.8 chips credited; no coins (a win moves chips only)

    const loss = courtSettlement({ game: 'dice', kind: 'roll', action: { stake: STAKE, target: roll, direction: 'under' } }, beta, diceTerms);
    expect(loss.result).toEqual({ roll, win: false, payout: 0 });
    expect([loss.payoutUnits, loss.stakeUnits, loss.coins]).toEqual([0, STAKE, 0]);

    // A win whose profit is under one chip is credited to the unit: 98% to win pays 1.0102… × stake.
    const thin = courtSettlement({ game: 'dice', kind: 'roll', action: { stake: STAKE, target: 9800, direction: 'under' } }, beta, diceTerms);
    expect(thin.result['win']).toBe(true);
    expect(thin.payoutUnits).toBe(payoutOnWin({ stake: STAKE, target: 9800, direction: 'under', edgeBps: 100 }));
    expect(thin.coins).toBe(0);
  });

  it('refuses a bet the mapping refuses, and a game it does not know', () => {
    const beta = betaOf(example.dice.records);
    expect(() => courtSettlement({ game: 'dice', kind: 'roll', action: { stake: STAKE, target: 50, direction: 'under' } }, beta, diceTerms)).toThrow(/win chance/);
    expect(() => courtSettlement({ game: 'dice', kind: 'spin', action: {} }, beta, diceTerms)).toThrow(/no published mapping/);
  });
});

/** What the rules' text pays back, stake included, for an undoubled hand: natural 5/2, win 2, push 1, else 0 stakes. */
const PAYS: Record<BlackjackOutcome, number> = { natural: 2.5, win: 2, push: 1, lose: 0, bust: 0, 'dealer-natural': 0 };

describe('court settlement of a blackjack hand: no moves, so the hand stands on its first two cards', () => {
  it("the worked example's hand, auto-standing on 15, loses (played, it hit to 17 and lost to 18)", () => {
    const beta = betaOf(example.blackjack.records);
    const s = courtSettlement({ game: 'blackjack', kind: 'hand', action: { stake: STAKE } }, beta, blackjackTerms);
    expect(s.result['moves']).toEqual(['stand']);
    expect(s.result['player']).toEqual([43, 12]);
    expect([s.result['playerTotal'], s.result['dealerTotal'], s.result['outcome']]).toEqual([15, 20, 'lose']);
    expect([s.payoutUnits, s.stakeUnits, s.coins]).toEqual([0, STAKE, 0]);
  });

  it('every outcome a hand with no moves can have pays as the rules say', () => {
    const seen = new Map<BlackjackOutcome, number>();
    for (let i = 0; seen.size < 5 && i < 2000; i++) {
      const beta = new Uint8Array(createHash('sha512').update(`court-payout-hand-${i}`).digest());
      const s = courtSettlement({ game: 'blackjack', kind: 'hand', action: { stake: STAKE } }, beta, blackjackTerms);
      const deck = deckOf(beta);
      // The game's own view of the hand: the deal, then a stand unless a natural ended it.
      const dealt = handState(deck, []);
      const state = dealt.done ? dealt : handState(deck, ['stand']);
      const outcome = state.outcome!;
      expect(s.result).toEqual(handResult(deck, { stake: STAKE }, []));
      expect(s.result['outcome']).toBe(outcome);
      expect(s.result['moves']).toEqual(dealt.done ? [] : ['stand']);
      if (dealt.done) expect(isNatural([deck[0]!, deck[2]!]) || isNatural([deck[1]!, deck[3]!])).toBe(true);
      expect(s.payoutUnits).toBe(PAYS[outcome] * STAKE);
      expect(s.coins).toBe(0); // settled in chips (payoutUnits), never in coins
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    console.log(`hands dealt per outcome: ${JSON.stringify(Object.fromEntries(seen))}`);
    // Standing on two cards never busts; the other five outcomes all came up.
    expect([...seen.keys()].sort()).toEqual(['dealer-natural', 'lose', 'natural', 'push', 'win']);
  });
});
