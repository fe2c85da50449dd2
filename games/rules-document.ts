/**
 * A game's rules document (FAIRNESS.md section 8): canonical JSON naming the game, the mapping
 * version of each kind of draw, and the terms (edge, map, loot table, table rules). Its SHA-256
 * is the `rulesHash` every v2 receipt carries and every player signs, so the rules a draw was
 * played under are pinned before its seeds are revealed: a changed edge is a changed hash.
 * @module
 */
import { jsonHash, type JsonValue } from '../vrf/protocol/encoding.ts';
import type { GameRules, RulesTerms } from './game-rules.ts';

export const RULES_FORMAT = 'fairplay-rules-v2';

export interface RulesDocument {
  readonly format: typeof RULES_FORMAT;
  readonly game: string;
  readonly mappings: Readonly<Record<string, string>>;
  readonly terms: RulesTerms;
}

/** The game's rules document, with the operator's values for its configurable terms. */
export function rulesDocument(rules: GameRules, settings: RulesTerms = {}): RulesDocument {
  for (const key of Object.keys(settings))
    if (!rules.configurableTerms?.includes(key)) throw new Error(`${rules.id}: term ${key} is not one an operator may set`);
  const terms = { ...rules.terms, ...settings };
  const problem = rules.termsProblem?.(terms);
  if (problem) throw new Error(`${rules.id}: ${problem}`);
  return {
    format: RULES_FORMAT,
    game: rules.id,
    mappings: Object.fromEntries(Object.entries(rules.mappings).map(([kind, m]) => [kind, m.version])),
    terms,
  };
}

/** SHA-256 of the document's canonical JSON, 64 hex digits. */
export function rulesHash(doc: RulesDocument): string {
  return jsonHash(doc as unknown as JsonValue);
}
