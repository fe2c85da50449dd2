/**
 * Where the page's player seeds come from: every view takes its next seed here, so the player's
 * choice of source (see the fairness panel) applies to every game alike. The default is 32 fresh
 * random bytes per draw from the platform's CSPRNG.
 * @module
 */
import { newSeed } from '../../vrf/protocol/commitment.ts';

/** The seed for the page's next draw, hex: kept secret by the view until its receipt passes the checks. */
export function nextSeed(): string {
  return newSeed();
}
