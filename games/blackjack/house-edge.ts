/**
 * The house edge of blackjack-hand-v1 (games/blackjack/rules.ts), exactly, over the single
 * 52-card deck: `npx tsx games/blackjack/house-edge.ts [--hands N] [--seed S] [--quick]`
 * (about two minutes on one core; `--quick` skips the brute-force check, leaving a few seconds).
 *
 * What is computed: the player's expected return per chip of the hand's stake (every stake is
 * even, so no rounding) under the best play there is. Each hand is dealt from a fresh full deck
 * and the player sees only their own cards and the dealer's up card, so the optimal strategy is
 * composition-dependent: for each set of player cards and up card, the move (stand, hit, or
 * double as the first move) with the highest expected return. No strategy returns more, so the
 * edge printed is the least the house makes. Also printed: standing on every hand.
 *
 * How (`computeEdge`): cards are counted by value (A, 2, …, 9, ten-value) in the remaining deck.
 * The hand ends at once after the deal on any natural, so when the player moves the dealer's
 * hole card is not one that makes a dealer natural. A shuffled deck is exchangeable, so the
 * player's hits can be drawn from the unseen cards first and the hole card after them; each
 * value computed is E[return × 1{the hole card makes no dealer natural}], which differs from the
 * conditional expectation by a factor that is the same for every move at a decision, so
 * maximising it picks the same moves. The dealer's final total is a memoised recursion over the
 * remaining composition (S17). Sums are in float64.
 *
 * Two checks follow. 1: `--hands` hands (default 20000) with betas SHA-256("fairplay-blackjack-
 * edge" ‖ u32(seed) ‖ u32(i)) are played with the computed strategy through the published mapping
 * (`blackjack.mappings.hand.result`), and each hand's return must equal `modelReturn`'s, a plain
 * statement of the rules on card values. 2: `enumerateEdge` sums `modelReturn` over every
 * sequence of dealt card values with its probability (about 2·10^8 of them): no conditioning,
 * no reordering, the hole card enumerated where it is dealt. It agrees with the recursion to
 * about 1e-16.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fileURLToPath } from 'node:url';
import { blackjack, cardValue, deckOf, handState, type BlackjackMove } from './rules.ts';

/** Value index 0..9: A, 2, …, 9, ten-value (10 J Q K). */
const FULL = [4, 4, 4, 4, 4, 4, 4, 4, 4, 16] as const;
/** Mixed-radix weights: the remaining deck as one integer (5 values per low rank, 17 for tens). */
const W = [1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125] as const;
const ACE = 0;
const TEN = 9;
const BUST = 5; // dealer outcome index: 0..4 = 17..21, 5 = bust

export interface EdgeFigures {
  /** Expected return per chip of stake under the optimal strategy (negative: the house's edge). */
  readonly optimal: number;
  /** Expected return per chip of stake if the player stands on every hand. */
  readonly standAlways: number;
  /** How many dealer and player states were memoised. */
  readonly dealerStates: number;
  readonly playerStates: number;
  /** The optimal move for a set of player cards (values 1..10) against an up card (1..10). */
  readonly strategy: (playerValues: readonly number[], upValue: number) => BlackjackMove;
}

/** Runs the exact computation (about a minute on one core). */
export function computeEdge(): EdgeFigures {
  const counts: number[] = [...FULL];
  let n = 52;
  let key = FULL.reduce((k, c, i) => k + c * W[i]!, 0);
  let up = 0; // the dealer's up card, value index

  const take = (r: number) => {
    counts[r]!--;
    n--;
    key -= W[r]!;
  };
  const put = (r: number) => {
    counts[r]!++;
    n++;
    key += W[r]!;
  };

  // Dealer: distribution of the final total given the remaining deck and the dealer's hand so far.
  const dealerMemo = new Map<number, Float64Array>();
  const terminal = Array.from({ length: 6 }, (_, i) => Float64Array.from({ length: 6 }, (_, j) => (i === j ? 1 : 0)));
  function dealerFrom(hard: number, ace: boolean): Float64Array {
    const total = ace && hard + 10 <= 21 ? hard + 10 : hard;
    if (total >= 17) return terminal[total > 21 ? BUST : total - 17]!;
    const k = (key * 17 + hard) * 2 + (ace ? 1 : 0);
    const memo = dealerMemo.get(k);
    if (memo) return memo;
    const out = new Float64Array(6);
    for (let r = 0; r < 10; r++) {
      const c = counts[r]!;
      if (c === 0) continue;
      const p = c / n;
      take(r);
      const sub = dealerFrom(hard + r + 1, ace || r === ACE);
      put(r);
      for (let i = 0; i < 6; i++) out[i]! += p * sub[i]!;
    }
    dealerMemo.set(k, out);
    return out;
  }

  /** Whether hole value r makes a dealer natural with the up card. */
  const makesNatural = (r: number) => (up === ACE && r === TEN) || (up === TEN && r === ACE);
  /** P(the hole card, uniform over the remaining deck, makes no dealer natural). */
  const noDealerNatural = () => 1 - (up === ACE ? counts[TEN]! : up === TEN ? counts[ACE]! : 0) / n;

  // The hole card is drawn from the remaining deck, excluding naturals (unnormalised), then the dealer plays.
  const holeMemo = new Map<number, Float64Array>();
  function dealerFinal(): Float64Array {
    const k = key * 10 + up;
    const memo = holeMemo.get(k);
    if (memo) return memo;
    const out = new Float64Array(6);
    for (let h = 0; h < 10; h++) {
      const c = counts[h]!;
      if (c === 0 || makesNatural(h)) continue;
      const p = c / n;
      take(h);
      const sub = dealerFrom(up + 1 + h + 1, up === ACE || h === ACE);
      put(h);
      for (let i = 0; i < 6; i++) out[i]! += p * sub[i]!;
    }
    holeMemo.set(k, out);
    return out;
  }

  function standValue(total: number): number {
    const d = dealerFinal();
    let v = d[BUST]!;
    for (let i = 0; i < 5; i++) v += d[i]! * Math.sign(total - (17 + i));
    return v;
  }

  /** Best of stand and hit for the player's hand (implied by the remaining deck and the up card). */
  const playerMemo = new Map<number, number>();
  const hits = new Set<number>(); // player states (key * 10 + up) where hitting is best
  function playerValue(hard: number, ace: boolean): number {
    const total = ace && hard + 10 <= 21 ? hard + 10 : hard;
    if (total > 21) return -noDealerNatural();
    const k = key * 10 + up;
    const memo = playerMemo.get(k);
    if (memo !== undefined) return memo;
    const stand = standValue(total);
    let best = stand;
    if (total < 21) {
      const hit = hitValue(hard, ace);
      if (hit > stand) {
        best = hit;
        hits.add(k);
      }
    }
    playerMemo.set(k, best);
    return best;
  }

  /** The expected value of `value(r)` over the next card's value index r, drawn from the remaining deck. */
  function overNextCard(value: (r: number) => number): number {
    let v = 0;
    for (let r = 0; r < 10; r++) {
      const c = counts[r]!;
      if (c === 0) continue;
      const p = c / n;
      take(r);
      v += p * value(r);
      put(r);
    }
    return v;
  }

  function hitValue(hard: number, ace: boolean): number {
    return overNextCard((r) => playerValue(hard + r + 1, ace || r === ACE));
  }

  function doubleValue(hard: number, ace: boolean): number {
    return overNextCard((r) => {
      const h = hard + r + 1;
      const total = (ace || r === ACE) && h + 10 <= 21 ? h + 10 : h;
      return 2 * (total > 21 ? -noDealerNatural() : standValue(total));
    });
  }

  const rootMove = new Map<number, BlackjackMove>(); // key * 10 + up after the deal
  let optimal = 0;
  let standAlways = 0;
  for (let p1 = 0; p1 < 10; p1++) {
    const q1 = counts[p1]! / n;
    take(p1);
    for (let u = 0; u < 10; u++) {
      const q2 = counts[u]! / n;
      if (q2 === 0) continue;
      take(u);
      up = u;
      for (let p2 = 0; p2 < 10; p2++) {
        const q3 = counts[p2]! / n;
        if (q3 === 0) continue;
        take(p2);
        const prob = q1 * q2 * q3;
        const noNat = noDealerNatural();
        if ((p1 === ACE && p2 === TEN) || (p1 === TEN && p2 === ACE)) {
          // Player natural: 3:2 unless the dealer has one too (push).
          optimal += prob * 1.5 * noNat;
          standAlways += prob * 1.5 * noNat;
        } else {
          const hard = p1 + p2 + 2;
          const ace = p1 === ACE || p2 === ACE;
          const total = ace && hard + 10 <= 21 ? hard + 10 : hard;
          const stand = standValue(total);
          const hit = hitValue(hard, ace);
          const dbl = doubleValue(hard, ace);
          const best = Math.max(stand, hit, dbl);
          rootMove.set(key * 10 + up, best === dbl ? 'double' : best === hit ? 'hit' : 'stand');
          // A dealer natural (the hole card completes it) takes the stake before any move.
          optimal += prob * (-(1 - noNat) + best);
          standAlways += prob * (-(1 - noNat) + stand);
        }
        put(p2);
      }
      put(u);
    }
    put(p1);
  }

  const strategy = (playerValues: readonly number[], upValue: number): BlackjackMove => {
    let k = FULL.reduce((s, c, i) => s + c * W[i]!, 0) - W[upValue - 1]!;
    for (const v of playerValues) k -= W[v - 1]!;
    const sk = k * 10 + (upValue - 1);
    if (playerValues.length === 2) {
      const m = rootMove.get(sk);
      if (m) return m;
    }
    return hits.has(sk) ? 'hit' : 'stand';
  };
  return { optimal, standAlways, dealerStates: dealerMemo.size + holeMemo.size, playerStates: playerMemo.size, strategy };
}

/** A hand's total from card values (1 for an ace). */
function valueTotal(values: readonly number[]): number {
  let hard = 0;
  let ace = false;
  for (const v of values) {
    hard += v;
    if (v === 1) ace = true;
  }
  return ace && hard + 10 <= 21 ? hard + 10 : hard;
}

/**
 * The player's return per chip of stake on a deck given as card values in deal order, played with
 * `strategy`: a second, plain statement of the rules, used by `enumerateEdge` and checked hand by
 * hand against the published rules in `crossCheck`. Returns undefined if the hand needs more
 * cards than `values` holds.
 */
export function modelReturn(values: readonly number[], strategy: EdgeFigures['strategy']): number | undefined {
  if (values.length < 4) return undefined;
  const player = [values[0]!, values[2]!];
  const dealer = [values[1]!, values[3]!];
  const pn = valueTotal(player) === 21;
  const dn = valueTotal(dealer) === 21;
  if (pn || dn) return pn && dn ? 0 : pn ? 1.5 : -1;
  let next = 4;
  let staked = 1;
  for (;;) {
    if (valueTotal(player) >= 21) break;
    const m = strategy(player, dealer[0]!);
    if (m === 'stand') break;
    if (next >= values.length) return undefined;
    player.push(values[next++]!);
    if (m === 'double') {
      staked = 2;
      break;
    }
  }
  const pt = valueTotal(player);
  if (pt > 21) return -staked;
  while (valueTotal(dealer) < 17) {
    if (next >= values.length) return undefined;
    dealer.push(values[next++]!);
  }
  const dt = valueTotal(dealer);
  return dt > 21 || pt > dt ? staked : pt === dt ? 0 : -staked;
}

/**
 * The expected return of `strategy`, exactly, by brute force: every sequence of card values in
 * deal order (player, up, player, hole, then as drawn), weighted by its probability from the full
 * deck, until `modelReturn` settles it. Independent of `computeEdge`'s recursion: the hole card
 * is enumerated where it is dealt and nothing is conditioned or reordered. About 2·10^8 sequences.
 */
export function enumerateEdge(strategy: EdgeFigures['strategy']): { mean: number; sequences: number } {
  const counts: number[] = [...FULL];
  const values: number[] = [];
  let sequences = 0;
  function walk(remaining: number): number {
    const ret = modelReturn(values, strategy);
    if (ret !== undefined) {
      sequences++;
      return ret;
    }
    let v = 0;
    for (let r = 0; r < 10; r++) {
      const c = counts[r]!;
      if (c === 0) continue;
      counts[r] = c - 1;
      values.push(r + 1);
      v += (c / remaining) * walk(remaining - 1);
      values.pop();
      counts[r] = c;
    }
    return v;
  }
  return { mean: walk(52), sequences };
}

/**
 * Plays `hands` hands through the published mapping (`blackjack.mappings.hand.result`) with
 * `strategy`, betas SHA-256("fairplay-blackjack-edge" ‖ u32(seed) ‖ u32(i)), and checks each
 * hand's return against `modelReturn` on the same deck. Returns the hands that disagree (none
 * expected), and the sample's mean return per chip with its standard error.
 */
export function crossCheck(hands: number, seed: number, strategy: EdgeFigures['strategy']): { mismatches: number; mean: number; se: number } {
  const stake = 2;
  const u32 = (x: number) => new Uint8Array([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255]);
  const tag = utf8ToBytes('fairplay-blackjack-edge');
  let sum = 0;
  let sumSq = 0;
  let mismatches = 0;
  for (let i = 0; i < hands; i++) {
    const beta = sha256(concatBytes(tag, u32(seed), u32(i)));
    const deck = deckOf(beta);
    const moves: BlackjackMove[] = [];
    for (let s = handState(deck, moves); !s.done; s = handState(deck, moves)) {
      const m = strategy(s.player.map(cardValue), cardValue(s.dealerUp));
      moves.push(m);
      if (m === 'stand') break;
    }
    const r = blackjack.mappings.hand!.result(beta, { stake }, moves, blackjack.terms);
    const staked = moves[0] === 'double' ? 2 * stake : stake;
    const ret = ((r.payout as number) - staked) / stake;
    if (ret !== modelReturn(deck.map(cardValue), strategy)) mismatches++;
    sum += ret;
    sumSq += ret * ret;
  }
  const mean = sum / hands;
  return { mismatches, mean, se: Math.sqrt((sumSq / hands - mean * mean) / hands) };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer`);
  return v;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hands = arg('--hands', 20_000);
  const seed = arg('--seed', 1);
  const secs = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
  const pct = (x: number) => `${(100 * x).toFixed(4)}%`;
  let t = performance.now();
  const e = computeEdge();
  console.log('blackjack-hand-v1: one 52-card deck per hand, S17, 3:2, naturals settled at the deal, double on the first two cards, no split');
  console.log(`optimal (composition-dependent) play: player return ${e.optimal.toFixed(12)} per chip of stake -> house edge ${pct(-e.optimal)}`);
  console.log(`standing on every hand:               player return ${e.standAlways.toFixed(12)} per chip of stake -> house edge ${pct(-e.standAlways)}`);
  console.log(`  exact: float64 recursion over the remaining deck by card value, ${e.dealerStates} dealer and ${e.playerStates} player states (${secs(t)})`);
  t = performance.now();
  const c = crossCheck(hands, seed, e.strategy);
  console.log(
    `  check 1: ${hands} hands (seed ${seed}) played with that strategy through blackjack.mappings.hand.result: ` +
      `${c.mismatches} differ from modelReturn, the plain model of the rules that check 2 sums over; sample return ${c.mean.toFixed(4)} ± ${(1.96 * c.se).toFixed(4)} (95%) (${secs(t)})`,
  );
  if (!process.argv.includes('--quick')) {
    t = performance.now();
    const x = enumerateEdge(e.strategy);
    console.log(`  check 2: brute force over all ${x.sequences} dealt card-value sequences: return ${x.mean.toFixed(12)} (differs by ${Math.abs(x.mean - e.optimal).toExponential(1)}) (${secs(t)})`);
  }
  if (c.mismatches > 0) process.exitCode = 1;
}
