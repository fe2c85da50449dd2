/** The court card's wording for held payments (client/src/court-text.ts): pure functions of what the chain said. */
import { describe, expect, it } from 'vitest';
import { heldText, payoutText } from '../../client/src/court-text.ts';

const answered = (payout: number) => ({ status: 'answered' as const, beta: 'ab', payout, proofHolds: true });

describe('the court card on held payments', () => {
  it('says how many coins the court holds, before the Collect button', () => {
    expect(heldText(19n)).toBe('19 coins are held for you by the court (your address refused the transfer): ');
    expect(heldText(1n)).toBe('1 coin is held for you by the court (your address refused the transfer): ');
  });

  it('does not say an answer paid the player while coins are held for them', () => {
    expect(payoutText(answered(2), true).text).toBe("It paid you 2 coins: what the draw's outcome wins.");
    const held = payoutText(answered(2), true, 2n);
    expect(held.ok).toBe(true);
    expect(held.text).not.toMatch(/paid you/);
    expect(held.text).toBe("It awarded you 2 coins: what the draw's outcome wins (your address refused coins the court now holds for you, below).");
    // Nothing held for a losing draw: the wording stays.
    expect(payoutText(answered(0), true, 0n).text).toBe('The draw lost: nothing owed.');
  });
});
