/**
 * What the operator published that `/economy` compares against: each game's house edge (from the
 * rules document served for it) and the bonus rule (docs/economy.md, `GET /economy/rules`), in numbers and in words.
 * @module
 */
import type { Config } from '../config.ts';
import type { RulesDocument } from '../../games/rules-document.ts';
import { economyRules } from './cash-out-route.ts';

/**
 * Blackjack's edge under optimal play, exactly (games/blackjack/house-edge.ts, FAIRNESS.md): the
 * least the house makes on a hand's stake; any other play gives it more.
 */
export const BLACKJACK_OPTIMAL_EDGE = 0.003334915963;

/** A game's published house edge as a fraction of stake (0.01 = 1%), or null if its rules publish none (raid). */
export function publishedEdge(game: string, document: RulesDocument | undefined): number | null {
  if (game === 'dice') {
    const bps = Number(document?.terms['edgeBps']);
    return Number.isFinite(bps) ? bps / 10_000 : null;
  }
  if (game === 'blackjack') return BLACKJACK_OPTIMAL_EDGE;
  return null;
}

export interface BonusRule {
  readonly startingChips: number;
  readonly wagerMultiple: number;
  readonly minCashOutCoins: number;
  /** 0: the bonus comes at the first join; more: at the first deposit of at least this many coins. */
  readonly afterDepositCoins: number;
  /** The rule in words, as `GET /economy/rules` states it (cash-out-route.ts). */
  readonly text: string;
}

/** The bonus rule as published (`GET /economy/rules`), in numbers and in plain words. */
export function bonusRule(config: Config): BonusRule {
  const { economy, startingChips } = config;
  return {
    startingChips,
    wagerMultiple: economy.bonusWagerMultiple,
    minCashOutCoins: economy.minCashOutCoins,
    afterDepositCoins: economy.bonusAfterDepositCoins,
    text: String(economyRules(economy, startingChips)['rule']),
  };
}
