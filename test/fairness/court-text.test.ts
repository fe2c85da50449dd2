/** The court card's wording for held payments and answers (client/src/court-text.ts): pure functions of what the chain said. */
import { describe, expect, it } from 'vitest';
import { heldText, payoutText } from '../../client/src/court-text.ts';

const answered = (payout: number) => ({ status: 'answered' as const, beta: 'ab', payout, proofHolds: true });

describe('the court card on held payments and answers', () => {
  it('says how many coins the court holds, before the Collect button', () => {
    expect(heldText(19n)).toBe('19 coins are held for you by the court (your address refused the transfer): ');
    expect(heldText(1n)).toBe('1 coin is held for you by the court (your address refused the transfer): ');
  });

  it('says an answer settles the draw in chips, and that an answer paying coins is wrong', () => {
    // A voided draw the answer settled: a win credited in chips, a loss taking the refunded stake again.
    expect(payoutText({ ...answered(0), settledUnits: 19_800_000 }, true)).toEqual({
      text: 'It settled the draw in chips, as its outcome would have been: it won, and 19.8 chips were credited to you. Coins come only from cashing out.',
      ok: true,
    });
    expect(payoutText({ ...answered(0), settledUnits: 0 }, true).text).toBe(
      'It settled the draw in chips, as its outcome would have been: it lost, so the stake the void gave back was taken again. Coins come only from cashing out.',
    );
    // A draw its room settled: nothing more.
    expect(payoutText(answered(0), false).text).toMatch(/^It paid no coins and moved no chips/);
    // Coins from an answer are not what the protocol pays.
    const paid = payoutText(answered(2), true);
    expect(paid.ok).toBe(false);
    expect(paid.text).toBe('✗ the answer paid 2 coins, where an answer owes none: a draw is settled in chips.');
  });
});
