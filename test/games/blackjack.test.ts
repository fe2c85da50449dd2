/**
 * games/blackjack/rules.ts (mapping blackjack-hand-v1): the deck from beta, the deal order, the
 * rules and payouts on hand-built decks, what `handState` may show, and fixed vectors from beta to
 * the recorded result. Decks are built with `stacked(...)`: the named cards first, in deal order,
 * then every other card in ascending id order.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { OutcomeReader, type ByteSource } from '../../vrf/outcome.ts';
import { canonicalJson } from '../../vrf/protocol/encoding.ts';
import {
  BLACKJACK_HAND_MAPPING,
  BlackjackActionSchema,
  MAX_STAKE,
  RANKS,
  SUITS,
  blackjack,
  cardName,
  cardValue,
  deckOf,
  handResult,
  handState,
  handTotal,
  payoutOf,
  stakeOf,
  type BlackjackMove,
} from '../../games/blackjack/rules.ts';

/** 'A♠' → 39: the inverse of cardName. */
function card(name: string): number {
  const rank = RANKS.indexOf(name.slice(0, -1) as (typeof RANKS)[number]);
  const suit = SUITS.indexOf(name.slice(-1) as (typeof SUITS)[number]);
  if (rank < 0 || suit < 0) throw new Error(`bad card ${name}`);
  return suit * 13 + rank;
}

/** A deck dealing these cards first (player, up, player, hole, then in order), then the rest ascending. */
function stacked(...names: string[]): number[] {
  const front = names.map(card);
  return [...front, ...Array.from({ length: 52 }, (_, i) => i).filter((i) => !front.includes(i))];
}

const names = (ids: readonly number[]) => ids.map(cardName);
const bet = (stake: number) => ({ stake });
const betaOf = (i: number) => sha256(utf8ToBytes(`blackjack test beta ${i}`));

describe('cards', () => {
  it('id = suit × 13 + rank; ranks A 2..10 J Q K, suits ♣ ♦ ♥ ♠', () => {
    expect(cardName(0)).toBe('A♣');
    expect(cardName(9)).toBe('10♣');
    expect(cardName(12)).toBe('K♣');
    expect(cardName(13)).toBe('A♦');
    expect(cardName(26)).toBe('A♥');
    expect(cardName(39)).toBe('A♠');
    expect(cardName(51)).toBe('K♠');
    expect(Array.from({ length: 52 }, (_, i) => card(cardName(i)))).toEqual(Array.from({ length: 52 }, (_, i) => i));
    expect(Array.from({ length: 13 }, (_, r) => cardValue(13 + r))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10]);
    expect(() => cardName(52)).toThrow();
    expect(() => cardName(-1)).toThrow();
  });

  it('totals: aces count 11 while that keeps the total at most 21 (soft)', () => {
    const t = (...n: string[]) => handTotal(n.map(card));
    expect(t('A♠', '6♥')).toEqual({ total: 17, soft: true });
    expect(t('A♠', 'A♥')).toEqual({ total: 12, soft: true });
    expect(t('A♠', '6♥', '10♣')).toEqual({ total: 17, soft: false });
    expect(t('A♠', 'A♥', 'A♦', 'A♣', '7♠')).toEqual({ total: 21, soft: true });
    expect(t('K♠', 'Q♥', '2♣')).toEqual({ total: 22, soft: false });
    expect(t('A♠', 'K♥')).toEqual({ total: 21, soft: true });
  });
});

describe('the deck', () => {
  it('is OutcomeReader(beta).shuffle([0..51]): a permutation, for 32- and 64-byte betas', () => {
    for (let i = 0; i < 20; i++) {
      for (const beta of [betaOf(i), new Uint8Array([...betaOf(i), ...betaOf(i + 1000)])]) {
        const deck = deckOf(beta);
        expect(deck).toEqual(new OutcomeReader(beta).shuffle(Array.from({ length: 52 }, (_, k) => k)));
        expect([...deck].sort((a, b) => a - b)).toEqual(Array.from({ length: 52 }, (_, k) => k));
      }
    }
  });

  it('is dealt in order: player, up, player, hole, player hits, dealer draws', () => {
    const deck = stacked('2♣', '5♦', '3♥', '10♠', '4♣', '2♦', '9♠', 'K♥');
    const r = handResult(deck, bet(10), ['hit', 'hit', 'stand']);
    expect(names(r.player)).toEqual(['2♣', '3♥', '4♣', '2♦']); // 5, 9, 11
    expect(names(r.dealer)).toEqual(['5♦', '10♠', '9♠']); // 15, 24
    expect(r.deck).toEqual(deck);
    expect(r).toMatchObject({ playerTotal: 11, dealerTotal: 24, outcome: 'win', payout: 20 });
  });

  it('a deck that is not a permutation of 0..51 is refused', () => {
    const deck = stacked('2♣', '5♦', '3♥', '10♠');
    expect(() => handState(deck.slice(1), [])).toThrow();
    expect(() => handState([...deck.slice(0, 51), deck[0]!], [])).toThrow();
    expect(() => handState([...deck.slice(0, 51), 52], [])).toThrow();
  });
});

describe('naturals end the hand at the deal', () => {
  it('a player natural pays 3:2 (stake × 5/2, stake included)', () => {
    const deck = stacked('A♠', '9♦', 'K♥', '10♠');
    const s = handState(deck, []);
    expect(s).toMatchObject({ done: true, legalMoves: [], outcome: 'natural', dealerTotal: 19 });
    expect(names(s.dealer!)).toEqual(['9♦', '10♠']);
    expect(handResult(deck, bet(10), [])).toMatchObject({ outcome: 'natural', payout: 25, moves: [], playerTotal: 21, dealerTotal: 19 });
    expect(handResult(deck, bet(2), []).payout).toBe(5);
    expect(handResult(deck, bet(1000), []).payout).toBe(2500);
  });

  it('a dealer natural takes the stake, whichever card is up', () => {
    for (const deck of [stacked('10♣', 'A♦', 'K♥', 'J♠'), stacked('9♣', 'Q♦', '9♥', 'A♠')]) {
      expect(handState(deck, [])).toMatchObject({ done: true, legalMoves: [], outcome: 'dealer-natural' });
      expect(handResult(deck, bet(10), [])).toMatchObject({ outcome: 'dealer-natural', payout: 0, dealerTotal: 21 });
      expect(handResult(deck, bet(10), []).dealer).toHaveLength(2);
    }
  });

  it('two naturals push', () => {
    const deck = stacked('A♣', 'A♦', 'K♥', 'J♠');
    expect(handResult(deck, bet(10), [])).toMatchObject({ outcome: 'push', payout: 10, playerTotal: 21, dealerTotal: 21 });
  });

  it('no move is legal after a natural', () => {
    for (const deck of [stacked('A♠', '9♦', 'K♥', '10♠'), stacked('10♣', 'A♦', 'K♥', 'J♠')])
      for (const m of ['hit', 'stand', 'double']) {
        expect(() => handState(deck, [m])).toThrow(/turn has ended/);
        expect(() => handResult(deck, bet(10), [m])).toThrow(/turn has ended/);
      }
  });

  it('a soft 21 of three cards is not a natural: it wins 1:1', () => {
    const deck = stacked('A♠', '9♦', '5♥', '10♠', '5♣');
    expect(handResult(deck, bet(10), ['hit'])).toMatchObject({ outcome: 'win', payout: 20, playerTotal: 21, moves: ['hit'] });
  });
});

describe('the dealer stands on 17, soft 17 included (S17)', () => {
  it('soft 17 stands', () => {
    const r = handResult(stacked('10♣', 'A♦', '8♥', '6♠', '5♣'), bet(10), ['stand']);
    expect(names(r.dealer)).toEqual(['A♦', '6♠']);
    expect(r).toMatchObject({ dealerTotal: 17, playerTotal: 18, outcome: 'win' });
  });

  it('a soft 17 of several cards stands', () => {
    const r = handResult(stacked('10♣', 'A♦', '8♥', '2♠', '4♣', '5♥'), bet(10), ['stand']);
    expect(names(r.dealer)).toEqual(['A♦', '2♠', '4♣']);
    expect(r.dealerTotal).toBe(17);
  });

  it('soft 16 draws', () => {
    const r = handResult(stacked('10♣', 'A♦', '8♥', '5♠', '2♣', '9♥'), bet(10), ['stand']);
    expect(names(r.dealer)).toEqual(['A♦', '5♠', '2♣']); // soft 16, then soft 18
    expect(r).toMatchObject({ dealerTotal: 18, outcome: 'push', payout: 10 });
  });

  it('a soft total that goes over 21 turns hard and draws on', () => {
    const r = handResult(stacked('10♣', 'A♦', '8♥', '5♠', '9♣', '3♥', '9♥'), bet(10), ['stand']);
    expect(names(r.dealer)).toEqual(['A♦', '5♠', '9♣', '3♥']); // soft 16, hard 15, hard 18
    expect(r).toMatchObject({ dealerTotal: 18, outcome: 'push' });
  });

  it('hard 17 stands; hard 16 draws', () => {
    expect(names(handResult(stacked('10♣', '10♦', '8♥', '7♠', '2♣'), bet(10), ['stand']).dealer)).toEqual(['10♦', '7♠']);
    const r = handResult(stacked('10♣', '10♦', '8♥', '6♠', '6♣'), bet(10), ['stand']);
    expect(names(r.dealer)).toEqual(['10♦', '6♠', '6♣']);
    expect(r).toMatchObject({ dealerTotal: 22, outcome: 'win', payout: 20 });
  });
});

describe('the player', () => {
  it('may hit, stand or double first; then only hit or stand', () => {
    const deck = stacked('5♣', '9♦', '3♥', '10♠', '2♣', '2♦', '10♥');
    expect(handState(deck, [])).toMatchObject({ done: false, legalMoves: ['hit', 'stand', 'double'], total: 8, soft: false });
    expect(handState(deck, ['hit'])).toMatchObject({ done: false, legalMoves: ['hit', 'stand'], total: 10 });
    expect(handState(deck, ['hit', 'hit'])).toMatchObject({ done: false, legalMoves: ['hit', 'stand'], total: 12 });
    expect(handState(deck, ['hit', 'hit', 'hit'])).toMatchObject({ done: true, legalMoves: [], total: 22, outcome: 'bust' });
  });

  it('a bust loses at once: the dealer draws nothing and no move follows', () => {
    const deck = stacked('10♣', '6♦', '6♥', '10♠', 'K♣', '5♥');
    const r = handResult(deck, bet(10), ['hit']);
    expect(r).toMatchObject({ outcome: 'bust', payout: 0, playerTotal: 26, dealerTotal: 16, moves: ['hit'] });
    expect(names(r.dealer)).toEqual(['6♦', '10♠']);
    expect(() => handResult(deck, bet(10), ['hit', 'stand'])).toThrow(/turn has ended/);
    expect(() => handResult(deck, bet(10), ['hit', 'hit'])).toThrow(/turn has ended/);
  });

  it('reaching 21 ends the turn (no stand is added)', () => {
    const deck = stacked('5♣', '9♦', '6♥', '10♠', 'K♣', '2♥');
    expect(handState(deck, ['hit'])).toMatchObject({ done: true, total: 21, legalMoves: [] });
    expect(handResult(deck, bet(10), ['hit'])).toMatchObject({ moves: ['hit'], playerTotal: 21, dealerTotal: 19, outcome: 'win', payout: 20 });
    expect(() => handResult(deck, bet(10), ['hit', 'stand'])).toThrow(/turn has ended/);
  });

  it('a double takes exactly one card, even to a low total, and doubles the stake', () => {
    const deck = stacked('2♣', '9♦', '3♥', '10♠', '2♦', '10♥', '10♣');
    const s = handState(deck, ['double']);
    expect(s).toMatchObject({ done: true, doubled: true, total: 7, legalMoves: [], outcome: 'lose' });
    expect(names(s.player)).toEqual(['2♣', '3♥', '2♦']);
    expect(handResult(deck, bet(10), ['double'])).toMatchObject({ moves: ['double'], outcome: 'lose', payout: 0, dealerTotal: 19 });
    expect(stakeOf(bet(10), ['double'])).toBe(20);
    expect(stakeOf(bet(10), ['hit', 'stand'])).toBe(10);
    expect(stakeOf(bet(10), [])).toBe(10);
    expect(() => handResult(deck, bet(10), ['double', 'stand'])).toThrow(/turn has ended/);
    expect(() => handResult(deck, bet(10), ['double', 'hit'])).toThrow(/turn has ended/);
  });

  it('a double wins 4 × stake and pushes 2 × stake; a double bust pays nothing', () => {
    const win = stacked('6♣', '9♦', '5♥', '8♠', '10♦', '10♥');
    expect(handResult(win, bet(10), ['double'])).toMatchObject({ playerTotal: 21, dealerTotal: 17, outcome: 'win', payout: 40 });
    const push = stacked('6♣', '9♦', '5♥', '8♠', '6♦', '10♥');
    expect(handResult(push, bet(10), ['double'])).toMatchObject({ playerTotal: 17, dealerTotal: 17, outcome: 'push', payout: 20 });
    const bust = stacked('10♣', '9♦', '5♥', '8♠', '10♦', '10♥');
    expect(handResult(bust, bet(10), ['double'])).toMatchObject({ playerTotal: 25, outcome: 'bust', payout: 0 });
    expect(handResult(bust, bet(10), ['double']).dealer).toHaveLength(2);
  });

  it('double is only legal as the first move', () => {
    const deck = stacked('2♣', '9♦', '3♥', '10♠', '2♦', '10♥', '10♣');
    expect(() => handState(deck, ['hit', 'double'])).toThrow(/first move/);
    expect(() => handResult(deck, bet(10), ['hit', 'double'])).toThrow(/first move/);
  });

  it('unknown moves are refused', () => {
    const deck = stacked('2♣', '9♦', '3♥', '10♠');
    for (const m of ['split', 'surrender', 'insurance', 'HIT', 'Stand', '', ' hit'])
      expect(() => handResult(deck, bet(10), [m]), m).toThrow(/unknown move/);
    expect(() => handResult(deck, bet(10), ['hit', 'split'])).toThrow(/unknown move/);
  });

  it('a move after a stand is refused', () => {
    const deck = stacked('2♣', '9♦', '3♥', '10♠');
    expect(() => handResult(deck, bet(10), ['stand', 'hit'])).toThrow(/turn has ended/);
    expect(() => handResult(deck, bet(10), ['stand', 'stand'])).toThrow(/turn has ended/);
  });
});

describe('moves that stop early: the rest of the play is a stand', () => {
  it('no move at all is a stand on the first two cards', () => {
    const deck = stacked('10♣', '9♦', '6♥', '10♠', '5♣');
    expect(handState(deck, [])).toMatchObject({ done: false });
    const r = handResult(deck, bet(10), []);
    expect(r).toEqual(handResult(deck, bet(10), ['stand']));
    expect(r).toMatchObject({ moves: ['stand'], player: [card('10♣'), card('6♥')], playerTotal: 16, dealerTotal: 19, outcome: 'lose' });
  });

  it('moves that stop after hits stand on the cards so far', () => {
    const deck = stacked('2♣', '9♦', '3♥', '7♠', '2♦', '4♣', '5♥', '9♣');
    const r = handResult(deck, bet(10), ['hit', 'hit']);
    expect(r).toEqual(handResult(deck, bet(10), ['hit', 'hit', 'stand']));
    expect(r).toMatchObject({ moves: ['hit', 'hit', 'stand'], playerTotal: 11, dealerTotal: 21, outcome: 'lose' });
    expect(names(r.dealer)).toEqual(['9♦', '7♠', '5♥']);
  });
});

describe('payouts (stake included) and stakes', () => {
  it('payoutOf for each outcome', () => {
    expect(payoutOf(10, 'natural', false)).toBe(25);
    expect(payoutOf(10, 'win', false)).toBe(20);
    expect(payoutOf(10, 'win', true)).toBe(40);
    expect(payoutOf(10, 'push', false)).toBe(10);
    expect(payoutOf(10, 'push', true)).toBe(20);
    for (const o of ['lose', 'bust', 'dealer-natural'] as const) {
      expect(payoutOf(10, o, false)).toBe(0);
      expect(payoutOf(10, o, true)).toBe(0);
    }
    expect(payoutOf(MAX_STAKE, 'natural', false)).toBe(MAX_STAKE * 2.5);
    expect(Number.isSafeInteger(payoutOf(MAX_STAKE, 'win', true))).toBe(true);
    expect(payoutOf(MAX_STAKE, 'win', true)).toBe(4 * MAX_STAKE);
  });

  it('stakes are even integers from 2 to MAX_STAKE: a natural always pays whole chips', () => {
    const ok = (stake: unknown) => BlackjackActionSchema.safeParse({ stake }).success;
    expect([2, 4, 10, 1000, MAX_STAKE].every(ok)).toBe(true);
    expect([0, 1, 3, 7, 1001, -2, 2.5, MAX_STAKE + 2, Number.MAX_SAFE_INTEGER, '10', null].some(ok)).toBe(false);
    expect(MAX_STAKE % 2).toBe(0);
    expect(4 * MAX_STAKE).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(BlackjackActionSchema.safeParse({ stake: 10, extra: 1 }).success).toBe(false);
    const deck = stacked('A♠', '9♦', 'K♥', '10♠');
    expect(() => handResult(deck, bet(3), [])).toThrow();
    expect(() => blackjack.mappings.hand!.result(betaOf(0), { stake: 3 }, [], blackjack.terms)).toThrow();
    expect(() => blackjack.mappings.hand!.result(betaOf(0), { stake: 4, target: 1 }, [], blackjack.terms)).toThrow();
  });
});

describe('handState shows only what the player may see', () => {
  const visible = ['dealerUp', 'done', 'doubled', 'legalMoves', 'player', 'soft', 'total'];

  /** Every open state of a hand: move prefixes of hits (and a first double), until the turn ends. */
  function openStates(deck: number[]): BlackjackMove[][] {
    const out: BlackjackMove[][] = [];
    const moves: BlackjackMove[] = [];
    while (!handState(deck, moves).done) {
      out.push([...moves]);
      moves.push('hit');
    }
    return out;
  }

  it('before the hand is done: no hole card, no undealt card, whatever the rest of the deck', () => {
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const deck = deckOf(betaOf(i));
      for (const moves of openStates(deck)) {
        const s = handState(deck, moves);
        expect(Object.keys(s).sort()).toEqual(visible);
        expect(s.player).toEqual([deck[0], deck[2], ...deck.slice(4, 4 + moves.length)]);
        expect(s.dealerUp).toBe(deck[1]);
        // Reorder the hidden cards (hole and undealt) every which way: the view does not change,
        // unless the new hole card makes a dealer natural (then the hand is over at the deal).
        const hidden = [3, ...Array.from({ length: 48 - moves.length }, (_, k) => 4 + moves.length + k)];
        for (let rot = 1; rot < hidden.length; rot += 7) {
          const other = [...deck];
          hidden.forEach((pos, k) => (other[pos] = deck[hidden[(k + rot) % hidden.length]!]!));
          const dealerNatural = handTotal([other[1]!, other[3]!]).total === 21;
          if (dealerNatural) expect(handState(other, []).outcome).toBe('dealer-natural');
          else expect(handState(other, moves)).toEqual(s);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('once done it shows the dealer, the totals and the outcome, as the result records them', () => {
    for (let i = 0; i < 200; i++) {
      const deck = deckOf(betaOf(i));
      const r = handResult(deck, bet(10), []);
      const s = handState(deck, r.moves);
      expect(s.done).toBe(true);
      expect(s).toMatchObject({ player: r.player, dealer: r.dealer, total: r.playerTotal, dealerTotal: r.dealerTotal, outcome: r.outcome });
    }
  });
});

describe('the published mapping', () => {
  it('is blackjack/hand, blackjack-hand-v1, takes moves, one player per table', () => {
    expect(blackjack.id).toBe('blackjack');
    expect(blackjack.maxClients).toBe(1);
    expect(blackjack.mappings.hand!.version).toBe(BLACKJACK_HAND_MAPPING);
    expect(BLACKJACK_HAND_MAPPING).toBe('blackjack-hand-v1');
    expect(blackjack.mappings.hand!.takesMoves).toBe(true);
  });

  it('result(beta, action, moves) = handResult(deckOf(beta), action, moves): JSON values, deterministic', () => {
    const movesFor = (i: number): BlackjackMove[] => [[], ['stand'], ['hit'], ['hit', 'hit'], ['double']][i % 5] as BlackjackMove[];
    for (let i = 0; i < 100; i++) {
      const beta = betaOf(i);
      let moves = movesFor(i);
      try {
        handState(deckOf(beta), moves);
      } catch {
        moves = []; // that move list is illegal for this deck (a natural, or the turn ended): none then
      }
      const r = blackjack.mappings.hand!.result(beta, { stake: 10 }, moves, blackjack.terms);
      expect(r).toEqual(handResult(deckOf(beta), bet(10), moves));
      expect(canonicalJson(r)).toBe(canonicalJson(blackjack.mappings.hand!.result(beta, { stake: 10 }, moves, blackjack.terms)));
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
  });

  it('a scripted ByteSource gives the same deck as the OutcomeReader over it (the identity shuffle)', () => {
    // Each int(i + 1) reads one byte for i + 1 ≤ 52 (b ≤ 6); answering i keeps every card in place.
    let i = 51;
    const identity: ByteSource = { next: () => i-- };
    expect(new OutcomeReader(identity).shuffle(Array.from({ length: 52 }, (_, k) => k))).toEqual(Array.from({ length: 52 }, (_, k) => k));
  });
});

/**
 * Fixed vectors: beta (hex) → deck → result, written out once from this code. Checked by hand:
 * "player natural" (deck[51] = 24: the first byte 0x98 & 63 = 24 < 52; then 0x92 & 63 = 18 and
 * 0x99 & 63 = 25 are deck[50] and deck[49]; deals A♥ / 4♣ / Q♠ / 10♠: natural against 14, pays
 * 10 + 15 = 25) and "stand on 19, dealer draws four cards to 21" (0xfa, 0x3a, 0xba give 58 and are
 * rejected, 0xe3 & 63 = 35 = deck[51]; 0xff rejected, 0xc2 & 63 = 2 = deck[50]; 0x86 & 63 = 6 =
 * deck[49]; deals Q♣ / 9♠ / 9♣ / 3♠: 19 against 12, the dealer draws 2♠ (14), A♠ (15, hard),
 * 6♠ (21) and wins). The 64-byte betas are SHA-512(UTF-8("fairplay blackjack vector " + i)) for
 * i = 3, 9, 154, 0, 25, 158, 13, 1289, 8, 16 (searched for each case); then the beta of FAIRNESS.md
 * section 9 and a 32-byte SHA-256(UTF-8("fairplay blackjack vector32 0")).
 */
const VECTORS: { name: string; beta: string; action: { stake: number }; moves: string[]; deck: number[]; result: Record<string, unknown> }[] = [
  {
    name: 'player natural',
    beta: '9892997ecfb09353c7fbbd68f18531f520a7c668fa286dc6dcd97a77ee24011c82963428900db6f8ee874e358868d656aead06a6ab3ff469cab506eb3e1b6841',
    action: { stake: 10 },
    moves: [],
    deck: [26, 3, 50, 48, 33, 0, 46, 12, 35, 31, 29, 43, 10, 9, 4, 11, 17, 41, 34, 23, 27, 30, 21, 37, 45, 14, 51, 42, 13, 16, 8, 20, 22, 2, 38, 1, 36, 49, 28, 44, 6, 39, 32, 5, 40, 7, 47, 19, 15, 25, 18, 24],
    result: { player: [26, 50], dealer: [3, 48], moves: [], playerTotal: 21, dealerTotal: 14, outcome: 'natural', payout: 25 },
  },
  {
    name: 'dealer natural (ten up, ace in the hole)',
    beta: '209df4abb66ca60486305d0b9ad78e3a088825bbcf9da571ad72e63263c6f7a65a11d518901094c3733ba238239c573550e1ab9d93c82c61c325b20d7783fd47',
    action: { stake: 10 },
    moves: [],
    deck: [34, 25, 46, 0, 13, 40, 22, 10, 9, 18, 51, 36, 7, 30, 5, 41, 27, 12, 47, 49, 1, 28, 31, 33, 2, 19, 3, 20, 35, 16, 24, 21, 17, 42, 45, 48, 15, 37, 39, 8, 14, 23, 26, 11, 50, 6, 4, 38, 44, 43, 29, 32],
    result: { player: [34, 46], dealer: [25, 0], moves: [], playerTotal: 17, dealerTotal: 21, outcome: 'dealer-natural', payout: 0 },
  },
  {
    name: 'both naturals push',
    beta: '40a6c85085f83bbac9a2ecb605fb9ce00456cabc36a063b6c1bde687bc8069ca5f775e31e55f27cf793618a9b321bc83871ed1c2d2f589260f88f0f9631183ff',
    action: { stake: 10 },
    moves: [],
    deck: [13, 26, 37, 12, 14, 40, 18, 42, 24, 11, 21, 20, 48, 33, 49, 6, 30, 2, 29, 27, 3, 36, 19, 46, 39, 25, 15, 45, 43, 17, 23, 31, 50, 51, 7, 1, 35, 41, 10, 22, 4, 32, 28, 47, 44, 34, 9, 5, 16, 8, 38, 0],
    result: { player: [13, 37], dealer: [26, 12], moves: [], playerTotal: 21, dealerTotal: 21, outcome: 'push', payout: 10 },
  },
  {
    name: 'player busts after two hits; the dealer does not draw',
    beta: '7cdd2dfe7930351dbd6088c0127bdf6c5c484ee77e6960b777e6b4b4578f930a8cc84d9c8ad3b74d701b4bb1a4c7b6239375ca5abef1e68ee7d9031961943643',
    action: { stake: 10 },
    moves: ['hit', 'hit'],
    deck: [44, 24, 5, 36, 2, 38, 50, 33, 25, 22, 1, 26, 20, 9, 21, 40, 6, 27, 49, 30, 3, 7, 4, 17, 11, 16, 43, 37, 35, 34, 42, 13, 41, 12, 10, 19, 15, 23, 47, 39, 14, 46, 28, 31, 18, 0, 8, 32, 51, 48, 45, 29],
    result: { player: [44, 5, 2, 38], dealer: [24, 36], moves: ['hit', 'hit'], playerTotal: 25, dealerTotal: 20, outcome: 'bust', payout: 0 },
  },
  {
    name: 'double wins',
    beta: '0983d6b83fefa19047d77f53a80795d5354c5c25975a0da45842d94e4684b45537dd35b387a4c1c887a70ace5c09505b18c58ca4659aca8bdc9bedbd5333d774',
    action: { stake: 10 },
    moves: ['double'],
    deck: [46, 17, 27, 15, 50, 29, 32, 34, 48, 5, 31, 11, 0, 51, 38, 30, 10, 18, 49, 8, 1, 37, 41, 43, 35, 36, 39, 20, 4, 6, 14, 25, 2, 24, 13, 26, 44, 28, 12, 42, 21, 45, 40, 19, 23, 7, 16, 33, 47, 22, 3, 9],
    result: { player: [46, 27, 50], dealer: [17, 15, 29, 32], moves: ['double'], playerTotal: 20, dealerTotal: 19, outcome: 'win', payout: 40 },
  },
  {
    name: 'double pushes',
    beta: '86c37bfd853788b1bceaa3de6aa3e1b697ef077419450dd89ac6227d38c2619f5f2f5bb1cb6e9fb7d09c8238a590223d25d2e65c0f07184a378a1a4da682be23',
    action: { stake: 10 },
    moves: ['double'],
    deck: [4, 1, 43, 0, 12, 19, 50, 9, 20, 28, 29, 37, 21, 10, 48, 40, 45, 34, 18, 22, 39, 36, 38, 44, 16, 41, 14, 11, 17, 27, 15, 32, 31, 2, 51, 26, 24, 13, 49, 25, 7, 23, 33, 46, 47, 30, 35, 42, 8, 5, 3, 6],
    result: { player: [4, 43, 12], dealer: [1, 0, 19], moves: ['double'], playerTotal: 20, dealerTotal: 20, outcome: 'push', payout: 20 },
  },
  {
    name: 'stand on 19, dealer draws four cards to 21',
    beta: 'fa3abae3ffc28699a622b53ebc3da5366fc0e0f73d05c7c48aee1a36666e746ee1050949422bbf356789b8d04395d9b312414942bcf40e9b8fdb5d45dc32ad19',
    action: { stake: 10 },
    moves: ['stand'],
    deck: [11, 47, 8, 41, 40, 39, 44, 22, 30, 49, 29, 23, 12, 17, 27, 28, 31, 13, 36, 15, 14, 20, 45, 43, 1, 18, 19, 48, 21, 3, 16, 24, 46, 50, 51, 9, 42, 33, 26, 10, 4, 7, 5, 32, 0, 37, 34, 38, 25, 6, 2, 35],
    result: { player: [11, 8], dealer: [47, 41, 40, 39, 44], moves: ['stand'], playerTotal: 19, dealerTotal: 21, outcome: 'lose', payout: 0 },
  },
  {
    name: 'player hits to 21 (the turn ends), dealer stands on soft 17 of four cards',
    beta: '5183e261f9db059eef550a066980e29c7db468e98f28fc300e29bcf979dbec005f6c914716c953460f63d3eb76b51a2bc36134b99ae32eabc7637d2add356d38',
    action: { stake: 10 },
    moves: ['hit'],
    deck: [18, 29, 35, 39, 4, 13, 26, 2, 16, 12, 8, 46, 43, 32, 48, 20, 36, 24, 1, 25, 23, 44, 45, 11, 38, 50, 37, 42, 19, 9, 22, 7, 51, 31, 40, 47, 14, 15, 28, 49, 0, 41, 6, 10, 21, 30, 5, 27, 33, 34, 3, 17],
    result: { player: [18, 35, 4], dealer: [29, 39, 13, 26], moves: ['hit'], playerTotal: 21, dealerTotal: 17, outcome: 'win', payout: 20 },
  },
  {
    name: 'moves stop after a hit: completed as a stand; dealer busts',
    beta: 'daf3e3e3eb1bb3cce3fe5c5f2d1f757e2b3864e6253ac4360d5e84b530e6c2399155d7cb5408cb265c489e32ec82ee7be4c33bf5ee8fb5dc2e32263ab4ae894d',
    action: { stake: 10 },
    moves: ['hit'],
    deck: [42, 33, 25, 19, 16, 47, 0, 5, 1, 7, 39, 9, 29, 10, 51, 22, 24, 15, 32, 3, 45, 14, 34, 46, 18, 44, 6, 41, 8, 20, 11, 23, 21, 17, 2, 40, 30, 13, 4, 37, 38, 36, 48, 31, 28, 49, 12, 27, 43, 50, 35, 26],
    result: { player: [42, 25, 16], dealer: [33, 19, 47], moves: ['hit', 'stand'], playerTotal: 18, dealerTotal: 24, outcome: 'win', payout: 20 },
  },
  {
    name: 'push after dealer draws, the smallest stake',
    beta: 'cbff510c2e98f9b161e3f75ec69e65bed931da5bf17f3be7ece62cda4a29b8d3909097b086a7399b6df035de469651b649c778fbfede2198704e5729a43130b9',
    action: { stake: 2 },
    moves: ['hit', 'stand'],
    deck: [5, 2, 8, 51, 3, 15, 41, 32, 49, 36, 47, 0, 18, 4, 20, 45, 14, 28, 1, 29, 9, 50, 22, 42, 21, 31, 13, 38, 40, 7, 43, 48, 23, 34, 16, 19, 10, 39, 27, 26, 25, 37, 44, 6, 30, 35, 33, 24, 46, 12, 17, 11],
    result: { player: [5, 8, 3], dealer: [2, 51, 15, 41], moves: ['hit', 'stand'], playerTotal: 19, dealerTotal: 19, outcome: 'push', payout: 2 },
  },
  {
    name: 'FAIRNESS.md section 9 beta, no move at all: stands',
    beta: 'c49e3539fe5cb433c2c98c16a2cb492566ab6d23532272c8765187c01e94eb0bc8fa64d901b826174f1c2bfd274d09ff395236aa0b0aa862b87e9d6a7f56a540',
    action: { stake: 6 },
    moves: [],
    deck: [31, 3, 40, 27, 46, 18, 16, 24, 33, 5, 23, 45, 14, 48, 49, 39, 21, 10, 42, 13, 41, 29, 15, 6, 1, 25, 51, 26, 36, 32, 43, 20, 50, 0, 7, 17, 8, 44, 19, 35, 38, 37, 47, 11, 34, 22, 12, 9, 2, 28, 30, 4],
    result: { player: [31, 40], dealer: [3, 27, 46, 18], moves: ['stand'], playerTotal: 8, dealerTotal: 20, outcome: 'lose', payout: 0 },
  },
  {
    name: '32-byte beta (P-256 suites)',
    beta: '410ff33fe5cc7fb95866285abf8341b819df2bef68069f74c5de40affe9d3854',
    action: { stake: 4 },
    moves: ['hit'],
    deck: [27, 42, 48, 2, 39, 22, 23, 17, 43, 47, 11, 28, 46, 35, 34, 10, 9, 18, 44, 50, 36, 13, 33, 21, 19, 49, 14, 7, 4, 41, 8, 16, 32, 20, 29, 0, 30, 5, 45, 6, 31, 25, 51, 3, 26, 40, 38, 24, 12, 37, 15, 1],
    result: { player: [27, 48, 39], dealer: [42, 2, 22], moves: ['hit', 'stand'], playerTotal: 13, dealerTotal: 17, outcome: 'lose', payout: 0 },
  },
];

describe('vectors: beta → deck → result', () => {
  it.each(VECTORS)('$name', (v) => {
    const beta = hexToBytes(v.beta);
    expect(deckOf(beta)).toEqual(v.deck);
    expect(blackjack.mappings.hand!.result(beta, v.action, v.moves, blackjack.terms)).toEqual({ deck: v.deck, ...v.result });
  });
});
