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
import { rulesDocument, rulesHash, type RulesDocument } from './rules-document.ts';
import { canonicalJson, type JsonValue } from '../vrf/protocol/encoding.ts';

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

/** Each game's rules document as published with the code's default terms (FAIRNESS.md prints them). */
export const PUBLISHED_RULES: Readonly<Record<string, RulesDocument>> = Object.fromEntries(GAMES.map((g) => [g.id, rulesDocument(g)]));

/**
 * Each game's earlier rules documents with the code's default terms (`GameRules.earlierTerms`),
 * by their hash: a receipt naming one still verifies by it, whatever rules a verifier pinned.
 */
export const EARLIER_RULES: Readonly<Record<string, Readonly<Record<string, RulesDocument>>>> = Object.fromEntries(
  GAMES.map((g) => [g.id, Object.fromEntries((g.earlierTerms ?? []).map((terms) => rulesDocument({ ...g, terms })).map((doc) => [rulesHash(doc), doc]))]),
);

/**
 * Why a verifier cannot play draws by `doc` (an operator's published rules), or undefined: it
 * must be a known game's document with the code's mapping versions and terms (or earlier terms
 * the mappings still play), differing only in the terms an operator may set.
 */
export function rulesProblem(doc: RulesDocument): string | undefined {
  const rules = gameRules(doc.game);
  if (!rules) return `no game ${doc.game}`;
  let settings: Record<string, JsonValue>;
  try {
    settings = Object.fromEntries(Object.entries(doc.terms).filter(([k]) => rules.configurableTerms?.includes(k)));
    const given = canonicalJson(doc as unknown as JsonValue);
    const playable = [rules.terms, ...(rules.earlierTerms ?? [])].some((terms) => given === canonicalJson(rulesDocument({ ...rules, terms }, settings) as unknown as JsonValue));
    if (!playable)
      return `the rules of ${doc.game} differ from the published ones in more than the terms an operator may set (${(rules.configurableTerms ?? []).join(', ') || 'none'})`;
  } catch (e) {
    return `the rules of ${doc.game} cannot be read: ${(e as Error).message}`;
  }
  return undefined;
}
