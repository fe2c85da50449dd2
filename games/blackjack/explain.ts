/**
 * A blackjack hand told step by step for the fairness panel (`blackjack-hand-v1`, see rules.ts):
 * the deck shuffled from beta's stream, the deal, each recorded move, the dealer's play and the
 * payout. The walk is done here card by card; the game's test holds its result to `handResult`.
 * @module
 */
import { formatChips } from '../chips.ts';
import { chips, chipsOf, TracedStream } from '../explain.ts';
import type { Explanation, ExplainStep } from '../game-rules.ts';
import { cardName, DEALER_STANDS_ON, DECK_SIZE, handState, handTotal, isNatural, payoutOf, type BlackjackAction, type BlackjackMove, type BlackjackOutcome } from './rules.ts';

const OUTCOME_WORDS: Readonly<Record<BlackjackOutcome, string>> = {
  natural: 'blackjack, paid 3 to 2',
  'dealer-natural': 'the dealer has blackjack: lost',
  win: 'won',
  push: 'push: the stake comes back',
  lose: 'lost',
  bust: 'bust: lost',
};

const cards = (ids: readonly number[]) => ids.map(cardName).join(' ');
const total = (ids: readonly number[]) => {
  const t = handTotal(ids);
  return `${t.soft ? 'soft ' : ''}${t.total}`;
};

/** A hand's request in words: "bet 10 chips". */
export function describeBet(action: Readonly<Record<string, unknown>>): string {
  return `bet ${chipsOf(action['stake'])}`;
}

/** A recorded hand in words: "you 20 (K♠ Q♦), dealer 19 (9♥ K♣) — won 20 chips". */
export function describeHand(result: Readonly<Record<string, unknown>>): string {
  const outcome = result['outcome'] as BlackjackOutcome;
  const payout = Number(result['payout']);
  // A record from any transcript: a card id out of range reads '?', it does not throw.
  const named = (key: string) =>
    Array.isArray(result[key]) ? (result[key] as unknown[]).map((c) => (Number.isInteger(c) && (c as number) >= 0 && (c as number) < DECK_SIZE ? cardName(c as number) : '?')).join(' ') : '?';
  const paid = Number.isSafeInteger(payout) && payout > 0 ? ` — paid ${chips(payout)}` : '';
  return `you ${String(result['playerTotal'])} (${named('player')}), dealer ${String(result['dealerTotal'])} (${named('dealer')}) — ${OUTCOME_WORDS[outcome] ?? String(outcome)}${paid}`;
}

export function explainHand(beta: Uint8Array, action: BlackjackAction, moves: readonly string[]): Explanation {
  const stream = new TracedStream(beta);
  const deck = Array.from({ length: DECK_SIZE }, (_, i) => i);
  for (let i = deck.length - 1; i >= 1; i--) {
    const j = stream.int(i + 1).value;
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  handState(deck, moves); // throws on a move list the rules refuse, as the mapping does
  const steps: ExplainStep[] = [
    { label: 'your bet', value: `${chips(action.stake)}` },
    { label: `the deck, shuffled from beta's stream (Fisher–Yates, ${DECK_SIZE - 1} draws, ${stream.position} bytes read)`, value: cards(deck) },
  ];
  const player = [deck[0]!, deck[2]!];
  const dealer = [deck[1]!, deck[3]!];
  steps.push({ label: 'the deal: cards 1 and 3 to you, 2 and 4 to the dealer', value: `you ${cards(player)} (${total(player)}); the dealer shows ${cardName(dealer[0]!)}` });
  let next = 4;
  let doubled = false;
  const played: BlackjackMove[] = [];
  const natural = isNatural(player) || isNatural(dealer);
  if (natural) steps.push({ label: 'a blackjack in the first two cards', value: `${isNatural(player) ? 'yours' : ''}${isNatural(player) && isNatural(dealer) ? ' and ' : ''}${isNatural(dealer) ? "the dealer's" : ''}: the hand ends` });
  let open = !natural;
  for (const move of [...moves, ...(open ? ['stand'] : [])] as BlackjackMove[]) {
    if (!open) break;
    const stopped = played.length === moves.length; // the stop-is-stand rule
    played.push(move);
    if (move === 'stand') {
      steps.push({ label: stopped ? 'no more moves: counted as a stand' : `move ${played.length}: stand`, value: `you stay on ${total(player)}` });
      open = false;
      continue;
    }
    const card = deck[next++]!;
    player.push(card);
    doubled ||= move === 'double';
    const t = handTotal(player).total;
    steps.push({ label: `move ${played.length}: ${move}${move === 'double' ? ' (stake doubled, one card)' : ''}`, value: `card ${next} of the deck, ${cardName(card)}: ${total(player)}${t > 21 ? ', bust' : ''}` });
    if (move === 'double' || t >= 21) open = false;
  }
  const playerTotal = handTotal(player).total;
  let outcome: BlackjackOutcome;
  if (natural) outcome = isNatural(player) && isNatural(dealer) ? 'push' : isNatural(player) ? 'natural' : 'dealer-natural';
  else if (playerTotal > 21) outcome = 'bust';
  else {
    steps.push({ label: "the dealer's hole card", value: `${cardName(dealer[1]!)}: ${total(dealer)}` });
    while (handTotal(dealer).total < DEALER_STANDS_ON) {
      const card = deck[next++]!;
      dealer.push(card);
      steps.push({ label: `the dealer draws below ${DEALER_STANDS_ON}`, value: `card ${next} of the deck, ${cardName(card)}: ${total(dealer)}` });
    }
    const d = handTotal(dealer).total;
    outcome = d > 21 || playerTotal > d ? 'win' : playerTotal === d ? 'push' : 'lose';
    steps.push({ label: 'you against the dealer', value: `${playerTotal} against ${d}${d > 21 ? ' (dealer bust)' : ''} → ${outcome === 'win' ? 'won' : outcome === 'push' ? 'push' : 'lost'}` });
  }
  const payout = payoutOf(action.stake, outcome, doubled);
  steps.push({ label: 'paid back', value: `${chips(payout)} (${OUTCOME_WORDS[outcome]})` });
  const result = { deck, player, dealer, moves: played, playerTotal, dealerTotal: handTotal(dealer).total, outcome, payout };
  return [...steps, { label: 'result', value: describeHand(result), result }];
}
