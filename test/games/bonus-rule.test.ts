/**
 * games/bonus-rule.ts: which chips may be cashed out. Examples of each branch (no bonus; before
 * the wagering requirement only deposits leave; after it, everything beyond the bonus), and
 * seeded properties over random standings and random play: the bonus itself never leaves, nothing
 * leaves beyond the balance, staking more never lowers what may leave, and a player who only ever
 * cashes out what the rule allows never takes out more than its deposits and its winnings so far.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wageringMet, wageringRequirement, withdrawableCoins, withdrawableUnits, type BonusStanding } from '../../games/bonus-rule.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { propertyParams } from '../helpers/seed.ts';

const CHIP = UNITS_PER_CHIP;
const s = (balance: number, bonus: number, wagered: number, netDeposit: number): BonusStanding => ({ balance: balance * CHIP, bonus: bonus * CHIP, wagered: wagered * CHIP, netDeposit: netDeposit * CHIP });

describe('the bonus rule', () => {
  it('lets all of a balance leave when there is no bonus, and never a negative amount', () => {
    expect(withdrawableUnits(s(250, 0, 0, 0), 30)).toBe(250 * CHIP);
    expect(withdrawableUnits(s(-1, 0, 0, 0), 30)).toBe(0);
  });

  it('before the wagering requirement lets only deposited chips leave, never the bonus', () => {
    // 1,000 free chips, 40 deposited, 900 bet of 30,000: only the 40 deposited may leave.
    expect(withdrawableUnits(s(1040, 1000, 900, 40), 30)).toBe(40 * CHIP);
    // Lost below the bonus: not even the deposit (the chips left are the bonus's).
    expect(withdrawableUnits(s(1010, 1000, 900, 40), 30)).toBe(10 * CHIP);
    expect(withdrawableUnits(s(700, 1000, 900, 40), 30)).toBe(0);
    // Winnings with the bonus alone: nothing yet.
    expect(withdrawableUnits(s(5000, 1000, 29_999, 0), 30)).toBe(0);
  });

  it('after the wagering requirement lets everything beyond the bonus leave', () => {
    expect(wageringRequirement(1000 * CHIP, 30)).toBe(30_000 * CHIP);
    expect(wageringMet(s(0, 1000, 30_000, 0), 30)).toBe(true);
    expect(withdrawableUnits(s(5000, 1000, 30_000, 0), 30)).toBe(4000 * CHIP);
    expect(withdrawableUnits({ ...s(1000, 1000, 30_000, 0), balance: 1000 * CHIP + 999_999 }, 30)).toBe(999_999);
    expect(withdrawableCoins(999_999)).toBe(0);
    expect(withdrawableCoins(12 * CHIP + 5)).toBe(12);
    // A multiple of 0: the requirement is met from the start, the bonus still stays.
    expect(withdrawableUnits(s(1500, 1000, 0, 0), 0)).toBe(500 * CHIP);
  });

  it('keeps the requirement a safe integer for the largest settings', () => {
    expect(wageringRequirement(1_000_000_000 * CHIP, 1000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(wageringMet({ bonus: 1_000_000_000 * CHIP, wagered: Number.MAX_SAFE_INTEGER }, 1000)).toBe(false);
  });

  const units = fc.integer({ min: -1e12, max: 1e13 });
  const standing = fc.record({ balance: units, bonus: fc.integer({ min: 0, max: 1e12 }), wagered: fc.integer({ min: 0, max: 1e14 }), netDeposit: units });
  const multiple = fc.integer({ min: 0, max: 100 });

  it('never lets the bonus, more than the balance, or (before the requirement) more than the deposits leave', () => {
    fc.assert(
      fc.property(standing, multiple, (st, m) => {
        const w = withdrawableUnits(st, m);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThanOrEqual(Math.max(0, st.balance));
        if (st.bonus > 0) expect(w).toBeLessThanOrEqual(Math.max(0, st.balance - st.bonus));
        if (st.bonus > 0 && !wageringMet(st, m)) expect(w).toBeLessThanOrEqual(Math.max(0, st.netDeposit));
      }),
      propertyParams('bonus rule bounds', { numRuns: 2000 }),
    );
  });

  it('never lowers what may leave when more is staked', () => {
    fc.assert(
      fc.property(standing, multiple, fc.integer({ min: 0, max: 1e14 }), (st, m, more) => {
        expect(withdrawableUnits({ ...st, wagered: st.wagered + more }, m)).toBeGreaterThanOrEqual(withdrawableUnits(st, m));
      }),
      propertyParams('bonus rule monotone in stakes', { numRuns: 2000 }),
    );
  });

  it('in random play, a player cashing out all it may never takes out more than its deposits and its winnings so far', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('bet' as const), stake: fc.integer({ min: 1, max: 500 * CHIP }), win: fc.boolean(), pays: fc.integer({ min: 1, max: 3 * CHIP }) }),
      fc.record({ kind: fc.constant('deposit' as const), coins: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant('cashout' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 40 }), fc.array(step, { maxLength: 60 }), (bonusChips, m, steps) => {
        const bonus = bonusChips * CHIP;
        let st: BonusStanding = { balance: bonus, bonus, wagered: 0, netDeposit: 0 };
        let deposited = 0;
        let won = 0;
        let cashed = 0;
        for (const x of steps) {
          if (x.kind === 'bet') {
            if (x.stake > st.balance) continue;
            // A payout of up to 3x the stake (in millionths), or nothing.
            const payout = x.win ? Math.floor((x.stake * x.pays) / CHIP) : 0;
            won += payout - x.stake;
            st = { ...st, balance: st.balance - x.stake + payout, wagered: st.wagered + x.stake };
          } else if (x.kind === 'deposit') {
            deposited += x.coins * CHIP;
            st = { ...st, balance: st.balance + x.coins * CHIP, netDeposit: st.netDeposit + x.coins * CHIP };
          } else {
            const out = withdrawableCoins(withdrawableUnits(st, m)) * CHIP;
            cashed += out;
            st = { ...st, balance: st.balance - out, netDeposit: st.netDeposit - out };
            // Later losses may take `won` down again; at each cash-out, what left so far is covered.
            if (out > 0) expect(cashed).toBeLessThanOrEqual(deposited + Math.max(0, won));
          }
          expect(st.balance).toBeGreaterThanOrEqual(0);
          if (bonus > 0 && cashed > deposited) expect(wageringMet(st, m)).toBe(true);
        }
      }),
      propertyParams('bonus rule in play', { numRuns: 500 }),
    );
  });
});
