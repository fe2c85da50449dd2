/**
 * Every outcome mapping of every game explains itself step by step (the fairness panel), and the
 * explanation's last step is the mapping's own result, over random betas, actions and move lists.
 * The explanations do their arithmetic on their own (games/explain.ts reads beta's stream byte by
 * byte), so a slip in them shows here as a different result. The seed is printed; TEST_SEED replays.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import { handState, deckOf } from '../../games/blackjack/rules.ts';
import { MAX_WINNING_ROLLS, MIN_WINNING_ROLLS, ROLLS } from '../../games/dice/rules.ts';
import { CHESTS_PER_ROUND, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { finalStep } from '../../games/game-rules.ts';
import { GAMES, PUBLISHED_RULES } from '../../games/registry.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';

const DRAWS_PER_MAPPING = 400;

type Draw = { action: Record<string, JsonValue>; moves: string[] };

/** A random legal draw of each mapping, by `game/kind`: a mapping missing here fails the test. */
const DRAWS: Readonly<Record<string, (rng: SeededRandom, beta: Uint8Array) => Draw>> = {
  'dice/roll': (rng) => {
    const direction = rng.next() < 0.5 ? 'under' : 'over';
    const wins = rng.int(MIN_WINNING_ROLLS, MAX_WINNING_ROLLS);
    return { action: { stake: rng.int(1, 10 ** 9), direction, target: direction === 'under' ? wins : ROLLS - 1 - wins }, moves: [] };
  },
  'raid/chests': (rng) => ({ action: { round: rng.int(0, 50), count: rng.next() < 0.5 ? CHESTS_PER_ROUND : rng.int(1, 16) }, moves: [] }),
  'raid/loot': (rng) => ({ action: { round: rng.int(0, 50), chest: rng.int(0, 15), table: RAID_LOOT_MAPPING }, moves: [] }),
  'blackjack/hand': (rng, beta) => {
    // Legal moves played at random, stopping at any point (the mapping completes an open hand with a stand).
    const deck = deckOf(beta);
    const moves: string[] = [];
    for (let state = handState(deck, moves); !state.done && rng.next() < 0.8; state = handState(deck, moves))
      moves.push(state.legalMoves[rng.int(0, state.legalMoves.length - 1)]!);
    return { action: { stake: 2 * rng.int(1, 10 ** 6) }, moves };
  },
};

function randomBeta(rng: SeededRandom): Uint8Array {
  // 32 bytes (P-256, secp256k1 suites) or 64 (edwards25519): every suite's beta length.
  return Uint8Array.from({ length: rng.next() < 0.5 ? 32 : 64 }, () => rng.int(0, 255));
}

describe('explain: every mapping, step by step, to its result', () => {
  for (const game of GAMES)
    for (const [kind, mapping] of Object.entries(game.mappings))
      it(`${game.id}/${kind} (${mapping.version})`, () => {
        const rng = seededRandom(`explain ${game.id}/${kind}`);
        const draw = DRAWS[`${game.id}/${kind}`];
        expect(draw, `no random draws for ${game.id}/${kind}: add them to DRAWS`).toBeDefined();
        expect(mapping.explain, `${game.id}/${kind} has no explain`).toBeDefined();
        expect(mapping.describe, `${game.id}/${kind} has no describe`).toBeDefined();
        const terms = PUBLISHED_RULES[game.id]!.terms;
        const outcomes = new Set<string>();
        for (let i = 0; i < DRAWS_PER_MAPPING; i++) {
          const beta = randomBeta(rng);
          const { action, moves } = draw!(rng, beta);
          const expected = mapping.result(beta, action, moves, terms);
          const steps = mapping.explain!(beta, action, moves, terms);
          const last = finalStep(steps);
          expect(last.result, `draw ${i}: ${JSON.stringify({ action, moves })}`).toEqual(expected);
          // The last step's words are the recorded result's words; every step says something.
          expect(last.value).toBe(mapping.describe!(expected, action));
          for (const step of steps) expect(step.label.length * step.value.length, JSON.stringify(step)).toBeGreaterThan(0);
          outcomes.add(last.value.replace(/[\d.]+/g, '#'));
        }
        // The draws reached more than one kind of result (not one branch only).
        expect(outcomes.size).toBeGreaterThan(1);
      });

  it('dice: the steps read the roll from beta as a player would redo it', () => {
    // beta starting 0x17 0x3a: 0x173a = 5946, its low 14 bits 5946 < 10000, so the roll is 5946.
    const beta = new Uint8Array(32);
    beta.set([0x17, 0x3a]);
    const steps = GAMES.find((g) => g.id === 'dice')!.mappings['roll']!.explain!(beta, { stake: 1_000_000, target: 100, direction: 'under' }, [], PUBLISHED_RULES['dice']!.terms);
    expect(steps.map((s) => s.value)).toEqual([
      'roll under 100, staking 1 chip: 100 of the 10000 rolls win, house edge 1%',
      'beta byte 0 to byte 1: 17 3a = 5946, its low 14 bits 5946 < 10000 ✓',
      '5946',
      '5946 is not under 100 → lost',
      '0 chips: the stake is lost',
      'rolled 5946 — needed under 100 — lost',
    ]);
  });
});

/** Values a pasted transcript may hold where a number, a string or a list belongs. */
const HOSTILE: readonly unknown[] = [undefined, null, -1, 1.5, 2 ** 60, NaN, '', 'x', '__proto__', [], [1, 'a'], { a: 1 }, true];

describe("a game's words and tallies: /verify reads every transcript with them", () => {
  for (const game of GAMES)
    for (const [kind, mapping] of Object.entries(game.mappings))
      it(`${game.id}/${kind}: every result falls in a bin of its tally, and no record throws the words`, () => {
        const rng = seededRandom(`tally ${game.id}/${kind}`);
        const terms = PUBLISHED_RULES[game.id]!.terms;
        expect(mapping.describeRequest, `${game.id}/${kind} has no describeRequest`).toBeDefined();
        const { tally } = mapping;
        if (tally) {
          expect(tally.bins.every((b) => b.weight > 0 && b.label.length > 0)).toBe(true);
          const seen = new Set<number>();
          for (let i = 0; i < DRAWS_PER_MAPPING; i++) {
            const beta = randomBeta(rng);
            const { action, moves } = DRAWS[`${game.id}/${kind}`]!(rng, beta);
            const bin = tally.binOf(mapping.result(beta, action, moves, terms));
            expect(bin !== undefined && Number.isInteger(bin) && bin >= 0 && bin < tally.bins.length, `draw ${i}: bin ${bin}`).toBe(true);
            seen.add(bin!);
          }
          expect(seen.size).toBeGreaterThan(1);
        }
        for (const a of HOSTILE)
          for (const b of HOSTILE) {
            const record = Object.fromEntries(['stake', 'direction', 'target', 'round', 'chest', 'roll', 'win', 'payout', 'tiles', 'item', 'amount', 'rarity', 'player', 'dealer', 'outcome', 'playerTotal'].map((k, i) => [k, i % 2 ? a : b]));
            expect(typeof mapping.describeRequest!(record)).toBe('string');
            expect(typeof mapping.describe!(record as Record<string, JsonValue>, record as Record<string, JsonValue>)).toBe('string');
            const bin = tally?.binOf(record);
            expect(bin === undefined || (Number.isInteger(bin) && bin >= 0 && bin < tally!.bins.length)).toBe(true);
          }
      });
});
