/**
 * Blackjack's table in words, as the page shows and announces it: a hand's cards, its total
 * ("soft 17", "21", "bust at 24") and the outcome of a hand with what it paid.
 * @module
 */
import type { BlackjackOutcome } from './rules.ts';
import { cardWords } from './art.ts';

/** "ace of spades and 7 of hearts"; three or more cards with commas. */
export function showCards(cards: readonly number[]): string {
  const words = cards.map(cardWords);
  return words.length < 2 ? (words[0] ?? 'no cards') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A total as a player says it: "soft 17", "21", "bust at 24". */
export function totalWords(total: number, soft: boolean): string {
  return total > 21 ? `bust at ${total}` : `${soft ? 'soft ' : ''}${total}`;
}

/** The outcome and what it paid back (in chips, stake included): "You win, paid 20 chips"; a loss says only that. */
export function outcomeWords(outcome: BlackjackOutcome, paid: string): string {
  const words: Record<BlackjackOutcome, string> = {
    natural: 'Blackjack! You win 3 to 2',
    'dealer-natural': 'The dealer has blackjack: you lose',
    win: 'You win',
    push: 'Push: your stake comes back',
    lose: 'You lose',
    bust: 'Bust: you lose',
  };
  return paid === '0' ? words[outcome] : `${words[outcome]}, paid ${chipWords(paid)}`;
}

/** A hand's outcome in a history row, in plain words: "blackjack", "dealer blackjack", "win", "bust"... */
export function rowOutcome(outcome: BlackjackOutcome): string {
  return outcome === 'natural' ? 'blackjack' : outcome === 'dealer-natural' ? 'dealer blackjack' : outcome;
}

/** An amount of chips already formatted, with its unit: "1 chip", "2.5 chips". */
export function chipWords(amount: string): string {
  return `${amount} ${amount === '1' ? 'chip' : 'chips'}`;
}
