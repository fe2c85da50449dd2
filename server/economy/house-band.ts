/**
 * The house's result on a game against its published edge, with a 95% confidence band: pure
 * arithmetic over per-bet sums the database aggregates (n, Σ stake, Σ profit, Σ profit²), so it
 * is tested on fixed figures (test/server/economy-stats.test.ts). Amounts are chips.
 *
 * The formula (also in docs/operations.md, "The economy page"): with X_i the house's profit on
 * bet i (its stakes less what it paid back, refunds included) and T = Σ stake_i,
 *   realised edge  e = Σ X_i / T
 *   sample variance s² = (Σ X_i² − (Σ X_i)² / n) / (n − 1)
 *   band           e ± 1.96 · s · √n / T
 * The profit over n bets has standard deviation about s·√n (bets independent, the central limit
 * theorem), and T is taken as given, so the band holds the edge the game really plays at about
 * 95 times in 100. A published edge outside the band is worth a look; with fewer than 2 bets no
 * band is drawn.
 * @module
 */

/** z for a two-sided 95% band under the normal approximation. */
export const Z_95 = 1.959963984540054;

/** Per-bet sums of one game, as the database returns them. */
export interface BetSums {
  readonly bets: number;
  readonly staked: number;
  readonly profit: number;
  readonly profitSquares: number;
}

export interface HouseBand {
  readonly bets: number;
  /** Chips staked (net of refunds). */
  readonly staked: number;
  /** Chips the house kept: stakes less payouts and refunds. */
  readonly houseProfit: number;
  /** houseProfit / staked; null before any stake. */
  readonly realisedEdge: number | null;
  /** The edge the published rules give (a fraction, 0.01 = 1%); null where the rules publish none. */
  readonly expectedEdge: number | null;
  /** The 95% band around the realised edge; null with fewer than 2 bets. */
  readonly band: { readonly low: number; readonly high: number } | null;
  /** Chips the published edge would have kept on these stakes. */
  readonly expectedProfit: number | null;
  /** Whether the published edge lies in the band (null without a band or a published edge). */
  readonly expectedInBand: boolean | null;
}

/** The realised edge, its 95% band and the published edge, from one game's per-bet sums. */
export function houseBand(sums: BetSums, expectedEdge: number | null): HouseBand {
  const { bets: n, staked, profit } = sums;
  const realisedEdge = staked > 0 ? profit / staked : null;
  let band: HouseBand['band'] = null;
  if (n >= 2 && staked > 0 && realisedEdge !== null) {
    // Clamped at 0: rounding can take Σx² − (Σx)²/n a hair below zero when every bet is alike.
    const variance = Math.max(0, (sums.profitSquares - (profit * profit) / n) / (n - 1));
    const half = (Z_95 * Math.sqrt(variance) * Math.sqrt(n)) / staked;
    band = { low: realisedEdge - half, high: realisedEdge + half };
  }
  return {
    bets: n,
    staked,
    houseProfit: profit,
    realisedEdge,
    expectedEdge,
    band,
    expectedProfit: expectedEdge === null ? null : expectedEdge * staked,
    expectedInBand: band && expectedEdge !== null ? expectedEdge >= band.low && expectedEdge <= band.high : null,
  };
}

/** Gas per award of one mint transaction: its gas shared evenly among the awards it carried. */
export function gasPerAward(gasUsed: number, awards: number): number | null {
  return awards > 0 ? gasUsed / awards : null;
}
