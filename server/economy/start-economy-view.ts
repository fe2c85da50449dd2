/**
 * Builds and starts the economy's sampler, figures and reconciliation from the server's parts
 * (one call in app.ts).
 * @module
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import type { Chain } from '../chain/chain.ts';
import { bondAwardId } from '../chain/fairness-deployment.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { FairnessContext } from '../fairness/context.ts';
import { ChainFigures } from './chain-figures.ts';
import { economyGauges } from './economy-metrics.ts';
import { EconomyService } from './economy-service.ts';
import { HouseSums } from './house-sums.ts';
import { bonusRule, publishedEdge } from './published-terms.ts';

export function startEconomyView(parts: {
  config: Config;
  database: Database;
  chain: Pick<Chain, 'contract' | 'provider' | 'gameAssets' | 'fairness'>;
  ctx: Pick<FairnessContext, 'rules'>;
  registry: Registry;
  log: Logger;
  mayWrite?: () => boolean;
}): EconomyService {
  const { config, chain, ctx } = parts;
  // Every court the server ever bonded: its bond was minted as coins outside the awards table.
  const courts = [...new Set([chain.fairness.court, ...chain.fairness.earlierCourts, ...chain.fairness.answeredCourts].map((c) => c.toLowerCase()))];
  const figures = new ChainFigures(chain.contract, chain.provider, COIN_TOKEN_ID, courts.map(bondAwardId), config.mintConfirmations);
  // A draw's chip entries may change until the court can no longer answer it: its window and a day.
  const houseSums = new HouseSums(parts.database.db, (config.revealCourtWindowSeconds + 86_400) * 1000);
  const economy = new EconomyService({
    database: parts.database,
    chain: figures,
    provider: chain.provider,
    gameAssets: chain.gameAssets,
    sources: {
      epochSecondsFallback: config.awardEpochSeconds,
      publishedEdge: (game) => publishedEdge(game, ctx.rules[game]?.document),
      bonusRule: bonusRule(config),
      houseSums: () => houseSums.read(),
    },
    gauges: economyGauges(parts.registry),
    sampleSeconds: config.economySampleSeconds,
    log: parts.log,
    ...(parts.mayWrite ? { mayWrite: parts.mayWrite } : {}),
  });
  economy.start();
  return economy;
}
