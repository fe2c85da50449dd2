/**
 * The published outcome mappings, by `game/kind`: how a verified beta and the draw's action
 * become the result recorded in the outcome record. Verifiers recompute results with these.
 * @module
 */
import type { JsonValue } from '../encoding.ts';
import { DICE_MAPPING, DiceActionSchema, diceActionProblem, diceOutcome } from './dice.ts';
import { ChestsActionSchema, chestsOutcome, LootActionSchema, lootOutcome, RAID_CHESTS_MAPPING, RAID_LOOT_MAPPING } from './raid.ts';

export interface OutcomeMapping {
  readonly version: string;
  /** The result for this beta and action; throws on an action the mapping does not accept. */
  result(beta: Uint8Array, action: Record<string, JsonValue>): Record<string, JsonValue>;
}

export const outcomeMappings: Readonly<Record<string, OutcomeMapping>> = {
  'dice/roll': {
    version: DICE_MAPPING,
    result(beta, action) {
      const a = DiceActionSchema.parse(action);
      const problem = diceActionProblem(a);
      if (problem) throw new Error(problem);
      return { ...diceOutcome(beta, a) };
    },
  },
  'raid/chests': {
    version: RAID_CHESTS_MAPPING,
    result: (beta, action) => chestsOutcome(beta, ChestsActionSchema.parse(action)),
  },
  'raid/loot': {
    version: RAID_LOOT_MAPPING,
    result: (beta, action) => lootOutcome(beta, LootActionSchema.parse(action)),
  },
};

export const MAPPING_VERSIONS = Object.fromEntries(Object.entries(outcomeMappings).map(([k, m]) => [k, m.version]));
