/**
 * What a game publishes: its name, its seats, and for each kind of draw the outcome mapping that
 * turns a verified beta (and the draw's recorded moves, for games where players act after the
 * draw) into the recorded result. The server, the browser and every verifier read these; they
 * import nothing of the server or the page.
 * @module
 */
import type { JsonValue } from '../vrf/protocol/encoding.ts';

export type RulesTerms = Readonly<Record<string, JsonValue>>;

export interface OutcomeMapping {
  /** Published name of this mapping, e.g. `dice-v1`: a changed rule gets a new name. */
  readonly version: string;
  /**
   * The result for this beta, the receipt's action and the moves the draw's player recorded
   * after it (in order), under the game's rules terms (the `terms` of the rules document the
   * receipt names; undefined for a protocol v1 receipt, which named none). Throws on an action,
   * a move list or terms the mapping does not accept.
   */
  result(beta: Uint8Array, action: Record<string, JsonValue>, moves: readonly string[], terms: RulesTerms | undefined): Record<string, JsonValue>;
  /** Whether players record moves on a draw of this kind (between its receipt and its outcome). */
  readonly takesMoves?: boolean;
  /**
   * The most a draw with this action can pay back, stake included, in units, under these terms,
   * whatever beta and the moves: a receipt's `maxPayout` is it in whole coins, rounded down, and
   * the reveal court pays that when a revealed draw is never answered. 0 for draws that pay no
   * coins. Throws on an action or terms the mapping does not accept, as `result` does.
   */
  maxPayout(action: Record<string, JsonValue>, terms: RulesTerms | undefined): number;
  /**
   * The same mapping told step by step for a player (the fairness panel): each step a label and a
   * value one can follow with a calculator, the last one the result (the very object `result`
   * returns, and the words `describe` gives it). Throws where `result` throws.
   */
  explain?(beta: Uint8Array, action: Record<string, JsonValue>, moves: readonly string[], terms: RulesTerms | undefined): Explanation;
  /** A recorded result in words, as a player reads it: "rolled 5931 — needed under 100 — lost". Never throws. */
  describe?(result: Readonly<Record<string, JsonValue>>, action: Readonly<Record<string, JsonValue>>): string;
  /**
   * What a receipt's action asks for, in words: "bet 10 chips on a roll under 5000". Never throws:
   * /verify calls it on records from any transcript, before or whatever their checks say.
   */
  describeRequest?(action: Readonly<Record<string, unknown>>): string;
  /** How the results of many draws of this kind must be distributed, where a chart of them tells a player something. */
  readonly tally?: OutcomeTally;
}

/**
 * The expected distribution of a mapping's results, in bins: /verify counts a transcript's
 * results into them and draws each count against its expected share.
 */
export interface OutcomeTally {
  /** The chart's title: "Dice rolls against the expected distribution". */
  readonly title: string;
  /** What one result is, and many: ["roll", "rolls"]. */
  readonly unit: readonly [string, string];
  /** Each bin's label and its weight (its expected share is weight ÷ the weights' sum). */
  readonly bins: readonly { readonly label: string; readonly weight: number }[];
  /** The bin of a recorded result, or undefined for one this tally does not read. Never throws. */
  binOf(result: Readonly<Record<string, unknown>>): number | undefined;
}

/** One step of an explained mapping: "beta's first 2 bytes as a number" → "23 177 = 6065". */
export interface ExplainStep {
  readonly label: string;
  readonly value: string;
}

/** The steps from beta to the result, ending in the result itself (its words are the last step's value). */
export type Explanation = readonly [...ExplainStep[], ExplainStep & { readonly result: Record<string, JsonValue> }];

export interface GameRules {
  /** The room name and the `game` field of its records. */
  readonly id: string;
  /** What players see in the lobby. */
  readonly title: string;
  readonly maxClients: number;
  /** The outcome mapping of each kind of draw, by `kind`. */
  readonly mappings: Readonly<Record<string, OutcomeMapping>>;
  /**
   * Everything besides the mappings' code that fixes an outcome or a payout (a house edge, a map,
   * a loot table): published in the game's rules document, whose hash every v2 receipt carries.
   */
  readonly terms: RulesTerms;
  /**
   * Terms the game was published with before `terms` (the raid's first loot table, with coins):
   * the mappings still play them, so a receipt pinning such a rules document still verifies. No
   * new draw is made under them.
   */
  readonly earlierTerms?: readonly RulesTerms[];
  /** The terms an operator may set (dice: `edgeBps`); every other term is fixed by the code. */
  readonly configurableTerms?: readonly string[];
  /**
   * What the game checks across a room's draws beyond each draw's own mapping (the raid: a chest
   * is opened only once it stands, and once): a fresh checker per room, fed in chain order.
   */
  roomRules?(): RoomRules;
  /** Why these terms (the code's, with an operator's settings) cannot be played, or undefined. */
  termsProblem?(terms: RulesTerms): string | undefined;
  /** Item tokens players can win in this game (ERC-1155 ids beside the coin, id 1). */
  readonly items?: readonly GameItem[];
  /** What one draw is called to players: "hand" at blackjack; "draw" when unset. */
  readonly drawNoun?: string;
}

/** A draw as a room's rules see it: its number, kind and action. */
export interface DrawTerms {
  readonly drawSeq: number;
  readonly kind: string;
  readonly action: Readonly<Record<string, JsonValue>>;
}

/** A room's rules across its draws (see `GameRules.roomRules`). */
export interface RoomRules {
  /** Why this new draw cannot be, given the room's earlier draws; [] when it can. */
  receipt(draw: DrawTerms): string[];
  /** A draw ended: with its result, or voided (`undefined`). */
  ended(draw: DrawTerms, result: Readonly<Record<string, JsonValue>> | undefined): void;
}

/** An item token a game awards: declared on chain at deploy, described at its metadata URI. */
export interface GameItem {
  readonly tokenId: number;
  readonly name: string;
  readonly rarity: string;
  /** Where it comes from, for its metadata: "a treasure-raid chest". */
  readonly foundIn: string;
}

/** For mappings whose draws take no moves: refuses any. */
export function noMoves(moves: readonly string[]): void {
  if (moves.length > 0) throw new Error('this draw takes no moves');
}

/** An explanation's last step: the result, and its words. */
export function finalStep(steps: Explanation): ExplainStep & { readonly result: Record<string, JsonValue> } {
  return steps[steps.length - 1] as ExplainStep & { readonly result: Record<string, JsonValue> };
}
