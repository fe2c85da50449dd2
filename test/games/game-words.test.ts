/**
 * What the game views say in words (games/dice/bet-text.ts, games/blackjack/table-text.ts and
 * the card names of games/blackjack/art.ts): the sentences screen readers announce and the
 * slider's value read aloud.
 */
import { describe, expect, it } from 'vitest';
import { outcomeWords as diceOutcome, resultSentence, targetInWords } from '../../games/dice/bet-text.ts';
import { winningRolls } from '../../games/dice/rules.ts';
import { cardWords } from '../../games/blackjack/art.ts';
import { outcomeWords, showCards, totalWords } from '../../games/blackjack/table-text.ts';

describe('dice in words', () => {
  it('reads the target slider as a chance and a rule', () => {
    expect(targetInWords(4900, 'under', winningRolls({ target: 4900, direction: 'under' }))).toBe('win chance 49 percent: roll under 4900 wins');
    expect(targetInWords(5049, 'over', winningRolls({ target: 5049, direction: 'over' }))).toBe('win chance 49.5 percent: roll over 5049 wins');
  });

  it('says a result in one sentence: the roll, what was needed, what came of it, and the check', () => {
    expect(resultSentence(5931, { target: 100, direction: 'under', stake: 1_000_000 }, undefined, [])).toBe('Rolled 5931, needed under 100: lost. Verified.');
    expect(resultSentence(31, { target: 100, direction: 'under' }, 98_010_000, ['bad proof'])).toBe('Rolled 31, needed under 100: won 98.01 chips. Verification failed: bad proof.');
    expect(diceOutcome(7, {}, undefined)).toBe('Rolled 7: lost');
  });
});

describe('blackjack in words', () => {
  it('names cards, hands and totals', () => {
    expect([0, 12, 13, 37, 51].map(cardWords)).toEqual(['ace of clubs', 'king of clubs', 'ace of diamonds', 'queen of hearts', 'king of spades']);
    expect(showCards([0])).toBe('ace of clubs');
    expect(showCards([0, 51, 9])).toBe('ace of clubs, king of spades and 10 of clubs');
    expect([totalWords(17, true), totalWords(21, false), totalWords(24, false)]).toEqual(['soft 17', '21', 'bust at 24']);
  });

  it('says what a hand paid back, and only the outcome when it paid nothing', () => {
    expect(outcomeWords('natural', '25')).toBe('Blackjack! You win 3 to 2, paid 25 chips');
    expect(outcomeWords('push', '1')).toBe('Push: your stake comes back, paid 1 chip');
    expect(outcomeWords('bust', '0')).toBe('Bust: you lose');
  });
});
