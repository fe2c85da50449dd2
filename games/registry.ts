/**
 * The games this server runs, in lobby order. Adding a game is its folder under `games/` plus one
 * line here: the server loads `games/<id>/room.ts`, the page `games/<id>/view.ts`, and every
 * verifier takes the outcome mappings from the rules listed here.
 * @module
 */
import { blackjack } from './blackjack/rules.ts';
import { dice } from './dice/rules.ts';
import type { GameRules, OutcomeMapping } from './game-rules.ts';
import { raid } from './raid/rules.ts';

export const GAMES: readonly GameRules[] = [dice, raid, blackjack];

export function gameRules(id: string): GameRules | undefined {
  return GAMES.find((g) => g.id === id);
}

/** Every published outcome mapping, by `game/kind`. */
export const outcomeMappings: Readonly<Record<string, OutcomeMapping>> = Object.fromEntries(
  GAMES.flatMap((g) => Object.entries(g.mappings).map(([kind, m]) => [`${g.id}/${kind}`, m] as const)),
);

/** The mapping versions by `game/kind`, as /fairness publishes them. */
export const MAPPING_VERSIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(outcomeMappings).map(([k, m]) => [k, m.version]),
);
