/** The cashier's sentences: chips, the bonus's wagering progress, what can be cashed out, and the forms' checks, with units and plurals right. */
import { describe, expect, it } from 'vitest';
import { cashierLines, checkCashOut, checkDeposit, chipsText, coinsText, type ChipsAnswer } from '../../client/src/cashier-text.ts';

const M = 1_000_000;
const answer = (over: Partial<ChipsAnswer> = {}): ChipsAnswer => ({
  address: '0x' + '11'.repeat(20),
  balance: 1_500 * M,
  bonus: 1_000 * M,
  wagered: 1_200 * M,
  wageringRequirement: 30_000 * M,
  netDeposit: 0,
  withdrawable: 0,
  withdrawableCoins: 0,
  minCashOutCoins: 10,
  ...over,
});

describe('the cashier text', () => {
  it('counts chips and coins with plurals', () => {
    expect([chipsText(M), chipsText(2.5 * M), chipsText(0), coinsText(1), coinsText(12), coinsText(1_000n)]).toEqual(['1 chip', '2.5 chips', '0 chips', '1 coin', '12 coins', '1,000 coins']);
  });

  it('shows chips, the bonus, the wagering progress and what can leave', () => {
    expect(cashierLines(answer())).toEqual([
      'You have 1,500 chips.',
      '1,000 chips of them are bonus (the starting bonus and chips found in raid chests): they can be played but never cashed out.',
      'Wagered 1,200 of the 30,000 chips required before winnings can be cashed out: until then only chips you deposited can be.',
      'You can cash out 0 chips now: 0 coins, at least 10 coins at a time.',
    ]);
    expect(cashierLines(answer({ wagered: 30_000 * M, withdrawable: 500 * M, withdrawableCoins: 500 }))[2]).toBe('Wagering done: wagered 30,000 of 30,000 chips, so chips won beyond the bonus can be cashed out.');
    expect(cashierLines(answer({ bonus: 0, balance: 0, bonusRefused: 'this network already had one today' }))).toEqual([
      'You have 0 chips.',
      'No starting bonus for this address: this network already had one today. Deposit coins to play.',
      'You can cash out 0 chips now: 0 coins, at least 10 coins at a time.',
    ]);
    // The server's reason, already a sentence with what to do: said once.
    const byIp = 'no free starting chips for this address: another address got them from the same internet connection within the last 24 hours. Deposit coins to play, or join again later';
    expect(cashierLines(answer({ bonus: 0, balance: 0, bonusRefused: byIp }))[1]).toBe(
      'No free starting chips for this address: another address got them from the same internet connection within the last 24 hours. Deposit coins to play, or join again later.',
    );
    expect(cashierLines(answer({ bonus: 0, balance: 0, bonusRefused: 'no free starting chips for this address: its sign-in key got them for another address within the last 24 hours' }))[1]).toBe(
      'No free starting chips for this address: its sign-in key got them for another address within the last 24 hours. Deposit coins to play.',
    );
    // A new address, before its first join: how its bonus comes, from the published terms.
    const fresh = answer({ balance: 0, bonus: 0, wagered: 0 });
    expect(cashierLines(fresh, { startingBonusChips: 1_000, bonusAfterDepositCoins: 0 })[1]).toBe("Join a game to get your starting bonus of 1,000 chips (given at an address's first join, if no other address had one from your internet connection lately).");
    expect(cashierLines(fresh, { startingBonusChips: 1_000, bonusAfterDepositCoins: 20 })[1]).toBe('A starting bonus of 1,000 chips comes with your first deposit of at least 20 coins.');
    expect(cashierLines(fresh, { startingBonusChips: 0, bonusAfterDepositCoins: 0 })).toHaveLength(2);
    expect(cashierLines(answer({ balance: 0, bonus: 0, wagered: 0, bonusRefused: 'this network already had one today' }), { startingBonusChips: 1_000, bonusAfterDepositCoins: 0 }).join(' ')).not.toMatch(/Join a game/);
    // An older server's answer: chips only.
    expect(cashierLines({ address: '0x' + '11'.repeat(20), balance: M })).toEqual(['You have 1 chip.']);
  });

  it('checks a cash-out and a deposit before anything is sent', () => {
    const a = answer({ withdrawableCoins: 25 });
    expect(checkCashOut('12', a)).toEqual({ coins: 12 });
    expect(checkCashOut('9', a)).toEqual({ problem: 'Cash out at least 10 coins.' });
    expect(checkCashOut('26', a)).toEqual({
      problem: 'You can cash out 25 coins now, not 26: until you have wagered 30,000 chips in all (1,200 so far), only chips you deposited can be cashed out, and your 1,000 chips of bonus never can.',
    });
    expect(checkCashOut('26', answer({ wagered: 30_000 * M, withdrawableCoins: 25 }))).toEqual({ problem: 'You can cash out 25 coins now, not 26: your 1,000 chips of bonus are never cashed out, only what you have beyond them.' });
    expect(checkCashOut('26', answer({ bonus: 0, withdrawableCoins: 25 }))).toEqual({ problem: 'You can cash out 25 coins now, not 26.' });
    expect(checkCashOut('1.5', a)).toEqual({ problem: 'Cash out a whole number of coins.' });
    expect(checkCashOut('10', { address: a.address, balance: 0 })).toEqual({ problem: 'This server does not take cash-outs.' });
    expect(checkDeposit(' 3 ', 7n)).toEqual({ coins: 3n });
    expect(checkDeposit('0', 7n)).toEqual({ problem: 'Deposit at least 1 coin.' });
    expect(checkDeposit('8', 7n)).toEqual({ problem: 'You hold 7 coins on the chain, so you cannot deposit 8.' });
    expect(checkDeposit('-1', 7n)).toEqual({ problem: 'Deposit a whole number of coins, 1 or more.' });
  });
});
