/**
 * Awards below their token's minimum (`MIN_AWARD_AMOUNTS`) wait: a player's pending awards of a
 * token are minted only once their amounts add up to the minimum, and then all together, as one
 * unit the minter puts whole into one batch. A cash-out is never held back by this rule (its
 * own minimum is `MIN_CASHOUT_COINS`), nor is an award of a token whose minimum is 1. Pure.
 * @module
 */
import { isWithdrawal, type Award } from './award-sink.ts';
import { minimumOf, type MinAwardAmounts } from './min-award-amounts.ts';

/** An award waiting for more of its kind: its player's pending amount of the token, and the minimum. */
export interface Accumulating {
  readonly tokenId: number;
  readonly have: number;
  readonly need: number;
}

export interface Gathered {
  /** What may be minted now, each unit one player's, in the order of its first award. */
  readonly units: readonly (readonly Award[])[];
  /** Award id -> why it waits. */
  readonly accumulating: ReadonlyMap<string, Accumulating>;
}

/** Groups the awards (in outbox order) into units that may be minted now, and those that wait. */
export function gatherUnits(awards: Iterable<Award>, minimums: MinAwardAmounts): Gathered {
  const units: Award[][] = [];
  const groups = new Map<string, { awards: Award[]; need: number; have: number }>();
  for (const a of awards) {
    const need = minimumOf(minimums, a.tokenId);
    if (need <= 1 || isWithdrawal(a)) {
      units.push([a]);
      continue;
    }
    const key = `${a.player.toLowerCase()}:${a.tokenId}`;
    let group = groups.get(key);
    if (!group) {
      group = { awards: [], need, have: 0 };
      groups.set(key, group);
      // The unit takes the place of its first award; it is dropped below if it falls short.
      units.push(group.awards);
    }
    group.awards.push(a);
    group.have += a.amount;
  }
  const accumulating = new Map<string, Accumulating>();
  const short = new Set<Award[]>();
  for (const g of groups.values()) {
    if (g.have >= g.need) continue;
    short.add(g.awards);
    for (const a of g.awards) accumulating.set(a.awardId, { tokenId: a.tokenId, have: g.have, need: g.need });
  }
  return { units: short.size === 0 ? units : units.filter((u) => !short.has(u)), accumulating };
}
