/**
 * Keeps the most coins a receipt may promise (its `maxPayout`, `ctx.courtPayoutLimit.coins`) at the
 * reveal court's free bond: what it holds, less what open cases reserved and an announced
 * withdrawal. Read at start and every minute after, so a bet is refused (`over-court-limit`)
 * rather than receipted for more than the court could pay: a player's page checks the same
 * figure before revealing and would refuse such a draw anyway (FAIRNESS.md section 10).
 * The figure is a snapshot: reveals between two reads reserve more, and the page's own check
 * before revealing is what protects a player.
 * @module
 */
import type { Logger } from 'pino';
import { startPeriodicRead } from './periodic-read.ts';

/** How often the free bond is read again. */
export const COURT_PAYOUT_LIMIT_REFRESH_MS = 60_000;

export interface CourtPayoutLimitOptions {
  /** The court's `freeBond()`. */
  readonly readFreeBond: () => Promise<bigint>;
  /** Where rooms read the limit (the fairness context's). */
  readonly limit: { coins: number };
  readonly log: Logger;
  readonly periodMs?: number;
}

export interface CourtPayoutLimitWatch {
  /** Reads the free bond now (also what the timer does). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Reads the free bond once (awaited) and then on a timer that keeps no process alive. A failed
 * read keeps the last figure (0 if the first read failed: nothing is promised that was never
 * seen) and is logged once per run of failures, and once more when reads work again.
 */
export function watchCourtPayoutLimit(opts: CourtPayoutLimitOptions): Promise<CourtPayoutLimitWatch> {
  return startPeriodicRead({
    read: opts.readFreeBond,
    apply: (free) => (opts.limit.coins = Number(free < BigInt(Number.MAX_SAFE_INTEGER) ? free : BigInt(Number.MAX_SAFE_INTEGER))),
    onFirstFailure: () => (opts.limit.coins = 0),
    log: opts.log,
    messages: {
      failed: "reading the reveal court's free bond failed: bets keep the last figure read until it works again",
      recovered: "the reveal court's free bond is read again",
    },
    fields: () => ({ coins: opts.limit.coins }),
    periodMs: opts.periodMs ?? COURT_PAYOUT_LIMIT_REFRESH_MS,
  });
}
