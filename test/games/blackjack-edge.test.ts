/**
 * The published house edge of blackjack-hand-v1 (FAIRNESS.md section 8): the exact recursion of
 * games/blackjack/house-edge.ts gives the figure FAIRNESS.md states, and its plain model of the
 * rules agrees hand by hand with the published mapping. (The brute-force check over every dealt
 * sequence takes two minutes: `npx tsx games/blackjack/house-edge.ts`.)
 */
import { describe, expect, it } from 'vitest';
import { computeEdge, crossCheck, modelReturn } from '../../games/blackjack/house-edge.ts';

describe('blackjack house edge', () => {
  const e = computeEdge();

  it('is 0.3335% under optimal play (player return -0.003334915963 per chip), 15.65% standing on everything', () => {
    expect(e.optimal).toBeCloseTo(-0.003334915963, 11);
    expect(e.standAlways).toBeCloseTo(-0.156502447054, 11);
  });

  it('the strategy is sensible where the answer is well known', () => {
    expect(e.strategy([10, 6], 10)).toBe('hit'); // hard 16 against a ten
    expect(e.strategy([10, 7], 10)).toBe('stand'); // hard 17
    expect(e.strategy([10, 3], 4)).toBe('stand'); // hard 13 against a 4
    expect(e.strategy([10, 2], 4)).toBe('hit'); // the single-deck composition-dependent exception: 10-2 hits a 4
    expect(e.strategy([7, 5], 4)).toBe('stand'); // while 7-5 stands
    expect(e.strategy([6, 5], 6)).toBe('double'); // 11 against a 6
    expect(e.strategy([1, 7], 9)).toBe('hit'); // soft 18 against a 9
    expect(e.strategy([10, 8], 10)).toBe('stand');
  });

  it('the model of the rules used by the brute-force check agrees with the published mapping, hand by hand', () => {
    const c = crossCheck(3000, 7, e.strategy);
    expect(c.mismatches).toBe(0);
  });

  it('the model settles a hand only once it has every card it needs', () => {
    const stand = () => 'stand' as const;
    expect(modelReturn([10, 9, 10], stand)).toBeUndefined();
    expect(modelReturn([10, 9, 10, 10], stand)).toBe(1); // 20 against 19
    expect(modelReturn([10, 6, 10, 10], stand)).toBeUndefined(); // the dealer's 16 draws
    expect(modelReturn([10, 6, 10, 10, 5], stand)).toBe(-1); // 20 against 21
    expect(modelReturn([1, 9, 10, 10], stand)).toBe(1.5); // a natural
  });
});
