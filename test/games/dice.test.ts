/**
 * games/dice/rules.ts (mapping dice-v2) in units: a win pays stake × (10000 − edge) / winningRolls
 * rounded down to the unit, so the published edge holds to within a unit on every stake.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChips, UNITS_PER_CHIP } from '../../games/chips.ts';
import { dice, diceActionProblem, MAX_WINNING_ROLLS, MIN_WINNING_ROLLS, payoutOnWin, ROLLS, winningRolls, type DiceAction } from '../../games/dice/rules.ts';
import { propertyParams } from '../helpers/seed.ts';

const R = BigInt(ROLLS);

/** A legal bet: stake 1 unit .. 10^12 units (a million chips), any legal target and direction, an edge HOUSE_EDGE_BPS allows. */
const legalBet = fc
  .record({
    stake: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.bigInt({ min: 1n, max: 10n ** 12n }).map(Number)),
    wins: fc.integer({ min: MIN_WINNING_ROLLS, max: MAX_WINNING_ROLLS }),
    direction: fc.constantFrom('under' as const, 'over' as const),
    edgeBps: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 1000 })),
  })
  .map(({ stake, wins, direction, edgeBps }): DiceAction => ({ stake, direction, edgeBps, target: direction === 'under' ? wins : ROLLS - 1 - wins }));

describe('dice payouts in units', () => {
  it('pays 1.98 chips on a 1-chip win at 50% and a 1% edge, 19.8 on 10 chips', () => {
    const bet = { target: 5000, direction: 'under', edgeBps: 100 } as const;
    expect(payoutOnWin({ ...bet, stake: UNITS_PER_CHIP })).toBe(1_980_000);
    expect(payoutOnWin({ ...bet, stake: 10 * UNITS_PER_CHIP })).toBe(19_800_000);
    expect(formatChips(payoutOnWin({ ...bet, stake: UNITS_PER_CHIP }))).toBe('1.98');
    // The smallest stake a room takes, 0.01 chip, still pays its exact 1.98×.
    expect(payoutOnWin({ ...bet, stake: 10_000 })).toBe(19_800);
  });

  it('a win pays stake × (10000 − edge) / winningRolls rounded down to the unit; the expected return is the stake less the edge, to within a unit', () => {
    fc.assert(
      fc.property(legalBet, (a) => {
        expect(diceActionProblem(a)).toBeUndefined();
        const w = BigInt(winningRolls(a));
        const payout = payoutOnWin(a);
        expect(Number.isSafeInteger(payout)).toBe(true);
        const owed = BigInt(a.stake) * (R - BigInt(a.edgeBps)); // the exact payout × winningRolls
        // payout ≤ exact < payout + 1, exact = owed / w
        expect(BigInt(payout) * w <= owed).toBe(true);
        expect(owed < (BigInt(payout) + 1n) * w).toBe(true);
        // Expected return payout × w / 10000 against stake × (10000 − edge) / 10000: less than one unit apart.
        const shortfall = owed - BigInt(payout) * w; // (exact return − expected return) × 10000
        expect(shortfall >= 0n && shortfall < R).toBe(true);
      }),
      propertyParams('dice payout exact to one unit', { numRuns: 5000 }),
    );
  });

  it('the mapping records that payout on a win and 0 on a loss, the edge from the rules (v2) or the action (v1)', () => {
    fc.assert(
      fc.property(legalBet, fc.uint8Array({ minLength: 64, maxLength: 64 }), (a, beta) => {
        const { edgeBps, ...bet } = a;
        const r = dice.mappings['roll']!.result(beta, { ...bet }, [], { ...dice.terms, edgeBps });
        expect(r['payout']).toBe(r['win'] ? payoutOnWin(a) : 0);
        expect(dice.mappings['roll']!.result(beta, { ...a }, [], undefined)).toEqual(r);
        // v2 takes the edge from the rules only: an action that names one is refused.
        expect(() => dice.mappings['roll']!.result(beta, { ...a }, [], { ...dice.terms, edgeBps })).toThrow();
      }),
      propertyParams('dice mapping records the payout', { numRuns: 500 }),
    );
  });
});
