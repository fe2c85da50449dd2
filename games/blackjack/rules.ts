/**
 * Blackjack, one player against the dealer (FAIRNESS.md section 8, mapping `blackjack-hand-v1`).
 *
 * Cards: one 52-card deck, card id = suit × 13 + rank, rank 0..12 = A 2 3 4 5 6 7 8 9 10 J Q K,
 * suit 0..3 = ♣ ♦ ♥ ♠ (so 0 is A♣, 12 is K♣, 13 is A♦, 51 is K♠). Values: A 1 or 11, 2..10 face
 * value, J Q K 10. A hand's total counts every ace as 1, plus 10 if it has an ace and that keeps
 * the total ≤ 21 (the total is then soft).
 *
 * Mapping: each hand is one draw of kind `hand`, action `{ stake }`. The deck is
 * `shuffle([0, 1, …, 51])` over beta's fairplay-outcome-v1 stream (a fresh full deck every hand)
 * and is dealt strictly in order: deck[0] player, deck[1] dealer (up), deck[2] player, deck[3]
 * dealer (hole), then one card per player hit (or the one card of a double), then the dealer's
 * draws.
 *
 * Rules (v1):
 * - Naturals (an ace and a ten-value card as the first two cards) end the hand at once after the
 *   deal, before any move: both naturals push, a player natural pays 3:2, a dealer natural takes
 *   the stake (no insurance, no even money). No move is legal after a natural.
 * - Otherwise the player moves: `hit` (one card), `stand`, or `double` (only as the first move:
 *   the stake is doubled, exactly one card is dealt and the player's turn ends). The turn also
 *   ends when the player's total reaches 21 (nothing is gained by hitting 21) or passes it (bust).
 *   No split, no insurance, no surrender.
 * - A move list that stops while the player's turn is still open is completed by a `stand` (the
 *   player stopped acting: timeout, disconnect, room closing).
 * - Then the dealer, unless the player busted, draws while the dealer's total is below 17 and
 *   stands on every 17, soft 17 included (S17).
 * - Stakes and payouts are in units, 10^6 to the chip (`games/chips.ts`). Stakes are even (2, 4,
 *   6, … units) so every payout is an exact number of units. Payouts, stake included: natural
 *   stake × 5/2; win 2 × staked; push staked back; lose, bust or dealer natural 0 — where staked
 *   is the stake, or twice it after a double.
 * @module
 */
import { z } from 'zod';
import { OutcomeReader } from '../../vrf/outcome.ts';
import type { GameRules } from '../game-rules.ts';
import { describeBet, describeHand, explainHand } from './explain.ts';

export const BLACKJACK_HAND_MAPPING = 'blackjack-hand-v1';
export const DECK_SIZE = 52;
export const RANKS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K'] as const;
export const SUITS = ['♣', '♦', '♥', '♠'] as const;
/** The dealer stands on every total of at least this, soft or hard. */
export const DEALER_STANDS_ON = 17;
/** Smallest stake, in units; stakes are multiples of it so that a natural's 3:2 is whole units. */
export const MIN_STAKE = 2;
/** Largest stake, in units: four times it (a won double) is still a safe integer. Even, like every stake. */
export const MAX_STAKE = 2 * Math.floor(Number.MAX_SAFE_INTEGER / 8);

export const BlackjackActionSchema = z.strictObject({
  stake: z
    .number()
    .int()
    .min(MIN_STAKE)
    .max(MAX_STAKE)
    .refine((s) => s % 2 === 0, 'stake must be even'),
});
export type BlackjackAction = z.infer<typeof BlackjackActionSchema>;

export const BlackjackMoveSchema = z.enum(['hit', 'stand', 'double']);
export type BlackjackMove = z.infer<typeof BlackjackMoveSchema>;

export type BlackjackOutcome = 'natural' | 'dealer-natural' | 'win' | 'push' | 'lose' | 'bust';

/** The ordered deck of a hand: all 52 card ids, deck[0] dealt first. */
export function deckOf(beta: Uint8Array): number[] {
  return new OutcomeReader(beta).shuffle(Array.from({ length: DECK_SIZE }, (_, i) => i));
}

function checkCard(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= DECK_SIZE) throw new RangeError(`card id must be an integer in [0, 51], got ${id}`);
}

/** 0..12: A, 2, …, 10, J, Q, K. */
export function rankOf(id: number): number {
  checkCard(id);
  return id % 13;
}

/** 0..3: ♣, ♦, ♥, ♠. */
export function suitOf(id: number): number {
  checkCard(id);
  return Math.floor(id / 13);
}

/** The card's count with an ace as 1: A 1, 2..10 face value, J Q K 10. */
export function cardValue(id: number): number {
  return Math.min(rankOf(id) + 1, 10);
}

/** "A♠", "10♥", "Q♣". */
export function cardName(id: number): string {
  return `${RANKS[rankOf(id)]}${SUITS[suitOf(id)]}`;
}

/** A hand's total: aces as 1, plus 10 if it holds an ace and that keeps it ≤ 21 (soft). */
export function handTotal(cards: readonly number[]): { total: number; soft: boolean } {
  let hard = 0;
  let ace = false;
  for (const c of cards) {
    const v = cardValue(c);
    hard += v;
    if (v === 1) ace = true;
  }
  return ace && hard + 10 <= 21 ? { total: hard + 10, soft: true } : { total: hard, soft: false };
}

/** An ace and a ten-value card as a hand's first two cards. */
export function isNatural(cards: readonly number[]): boolean {
  return cards.length === 2 && handTotal(cards).total === 21;
}

/** Total paid back in units, stake included (see the module comment). `stake` is the action's stake. */
export function payoutOf(stake: number, outcome: BlackjackOutcome, doubled: boolean): number {
  const staked = doubled ? 2 * stake : stake;
  switch (outcome) {
    case 'natural':
      return stake + (stake / 2) * 3;
    case 'win':
      return 2 * staked;
    case 'push':
      return staked;
    case 'lose':
    case 'bust':
    case 'dealer-natural':
      return 0;
  }
}

/**
 * The most a hand can pay back, in units, stake included: a won double, 4 × stake (2 × the doubled
 * stake). A natural pays 5/2 × stake and ends the hand before any move, so it cannot be doubled;
 * there is no split, so no hand stakes more than twice.
 */
export function maxHandPayout(action: BlackjackAction): number {
  return Math.max(payoutOf(action.stake, 'win', true), payoutOf(action.stake, 'natural', false));
}

/** Units the player has put in on this hand: the stake, and a second one after a double. */
export function stakeOf(action: BlackjackAction, moves: readonly string[]): number {
  return moves[0] === 'double' ? 2 * action.stake : action.stake;
}

function checkDeck(deck: readonly number[]): void {
  if (deck.length !== DECK_SIZE) throw new RangeError(`a deck has ${DECK_SIZE} cards, got ${deck.length}`);
  const seen = new Set<number>();
  for (const c of deck) {
    checkCard(c);
    if (seen.has(c)) throw new RangeError(`card ${c} appears twice in the deck`);
    seen.add(c);
  }
}

/** The hand after the player's moves (internal): the player's turn is `open` until it ends. */
interface Played {
  readonly player: number[];
  readonly dealerUp: number;
  readonly hole: number;
  readonly moves: BlackjackMove[];
  readonly doubled: boolean;
  readonly natural: boolean; // either hand was a natural: the hand ended after the deal
  readonly open: boolean;
  readonly next: number; // index in the deck of the next card to deal
}

function playerMoves(deck: readonly number[], moves: readonly string[]): Played {
  checkDeck(deck);
  const player = [deck[0]!, deck[2]!];
  const dealerUp = deck[1]!;
  const hole = deck[3]!;
  const natural = isNatural(player) || isNatural([dealerUp, hole]);
  let next = 4;
  let open = !natural;
  let doubled = false;
  const played: BlackjackMove[] = [];
  for (const [i, raw] of moves.entries()) {
    const parsed = BlackjackMoveSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`move ${i}: unknown move ${JSON.stringify(raw)}`);
    const move = parsed.data;
    if (!open) throw new Error(`move ${i} (${move}): the player's turn has ended`);
    if (move === 'double' && i !== 0) throw new Error(`move ${i}: double is only allowed as the first move`);
    played.push(move);
    if (move === 'stand') {
      open = false;
      continue;
    }
    player.push(deck[next++]!);
    if (move === 'double') {
      doubled = true;
      open = false;
    } else if (handTotal(player).total >= 21) open = false;
  }
  return { player, dealerUp, hole, moves: played, doubled, natural, open, next };
}

/** The dealer's cards after a finished player turn, and the outcome. */
function settle(deck: readonly number[], p: Played): { dealer: number[]; outcome: BlackjackOutcome } {
  const dealer = [p.dealerUp, p.hole];
  const playerTotal = handTotal(p.player).total;
  if (p.natural) {
    const pn = isNatural(p.player);
    const dn = isNatural(dealer);
    return { dealer, outcome: pn && dn ? 'push' : pn ? 'natural' : 'dealer-natural' };
  }
  if (playerTotal > 21) return { dealer, outcome: 'bust' };
  let next = p.next;
  while (handTotal(dealer).total < DEALER_STANDS_ON) dealer.push(deck[next++]!);
  const dealerTotal = handTotal(dealer).total;
  const outcome = dealerTotal > 21 || playerTotal > dealerTotal ? 'win' : playerTotal === dealerTotal ? 'push' : 'lose';
  return { dealer, outcome };
}

/** What the player may see: never the hole card nor an undealt card before the hand is done. */
export interface HandState {
  /** The player's cards, in the order dealt. */
  readonly player: number[];
  readonly dealerUp: number;
  /** The player's total and whether it is soft. */
  readonly total: number;
  readonly soft: boolean;
  readonly doubled: boolean;
  /** The player's turn has ended (natural, stand, double, 21 or bust): the hand is decided. */
  readonly done: boolean;
  /** Moves the player may make now; empty once done. */
  readonly legalMoves: BlackjackMove[];
  /** Only when done: every dealer card, the dealer's total and the outcome. */
  readonly dealer?: number[];
  readonly dealerTotal?: number;
  readonly outcome?: BlackjackOutcome;
}

/**
 * The hand as the player sees it after these moves (recorded so far, in order). Throws on an
 * illegal move list. A hand whose moves stop while the player may still act is not done here;
 * its recorded result (`handResult`) completes it with a stand.
 */
export function handState(deck: readonly number[], moves: readonly string[]): HandState {
  const p = playerMoves(deck, moves);
  const { total, soft } = handTotal(p.player);
  const base = { player: p.player, dealerUp: p.dealerUp, total, soft, doubled: p.doubled };
  if (p.open) return { ...base, done: false, legalMoves: p.moves.length === 0 ? ['hit', 'stand', 'double'] : ['hit', 'stand'] };
  const { dealer, outcome } = settle(deck, p);
  return { ...base, done: true, legalMoves: [], dealer, dealerTotal: handTotal(dealer).total, outcome };
}

/** The result an outcome record holds (JSON values only). */
export interface HandResult {
  [k: string]: number | string | number[] | string[];
  /** All 52 card ids in deal order, so anyone can check the whole order against beta. */
  deck: number[];
  player: number[];
  dealer: number[];
  /** The moves as played, plus a final `stand` if the hand was completed by the stop-is-stand rule. */
  moves: BlackjackMove[];
  playerTotal: number;
  dealerTotal: number;
  outcome: BlackjackOutcome;
  /** Paid back to the player in units, stake included. */
  payout: number;
}

/** The whole hand for this deck, bet and move list: what the outcome record holds. Throws on illegal moves. */
export function handResult(deck: readonly number[], action: BlackjackAction, moves: readonly string[]): HandResult {
  const stake = BlackjackActionSchema.parse(action).stake;
  let p = playerMoves(deck, moves);
  if (p.open) p = playerMoves(deck, [...p.moves, 'stand']);
  const { dealer, outcome } = settle(deck, p);
  return {
    deck: [...deck],
    player: p.player,
    dealer,
    moves: p.moves,
    playerTotal: handTotal(p.player).total,
    dealerTotal: handTotal(dealer).total,
    outcome,
    payout: payoutOf(stake, outcome, p.doubled),
  };
}

export const blackjack: GameRules = {
  id: 'blackjack',
  title: 'Blackjack',
  drawNoun: 'hand',
  // One player per table: each hand is one player's draw (their seed, their moves), so a table is
  // that player's own; more players means more tables.
  maxClients: 1,
  // The table rules the mapping plays by (the module comment), as the rules document publishes them.
  terms: {
    decks: 1,
    shuffle: 'fresh deck each hand',
    dealerStandsOn: DEALER_STANDS_ON,
    dealerSoft17: 'stands',
    naturalPays: '3:2',
    double: 'first move only, one card',
    split: false,
    insurance: false,
    surrender: false,
  },
  mappings: {
    hand: {
      version: BLACKJACK_HAND_MAPPING,
      takesMoves: true,
      result: (beta, action, moves) => handResult(deckOf(beta), BlackjackActionSchema.parse(action), moves),
      maxPayout: (action) => maxHandPayout(BlackjackActionSchema.parse(action)),
      explain: (beta, action, moves) => explainHand(beta, BlackjackActionSchema.parse(action), moves),
      describe: (result) => describeHand(result),
      describeRequest: describeBet,
    },
  },
};
