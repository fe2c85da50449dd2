/**
 * The economy's Prometheus series (registered in the server's registry, server/metrics.ts): set
 * by the economy sampler from what it computed anyway, never computed on a scrape, so a scrape
 * costs no query. Chips and coins are whole; gas in gas units. Cap use is the minter's series
 * (`fairplay_epoch_*`, server/awards/award-metrics.ts), not repeated here.
 * @module
 */
import { Gauge, type Registry } from 'prom-client';
import type { CoinReconciliation } from './reconciliation.ts';
import type { EconomyReport } from './economy-stats.ts';

export interface EconomyGauges {
  /** Sets every series from a report and a reconciliation. */
  update(report: EconomyReport, coins: CoinReconciliation, totals: { withdrawals: { count: number; coins: number }; deposits: { count: number; coins: number } }): void;
}

export function economyGauges(registry: Registry): EconomyGauges {
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: `fairplay_economy_${name}`, help, labelNames, registers: [registry] });
  const supply = g('token_supply', 'Tokens in circulation on chain, by token id (latest sample)', ['token']);
  const coinSupply = g('coin_supply', 'Coins in circulation on chain (the reconciliation reading)');
  const reconciled = g('coins_reconciled', '1 when coins on chain equal cash-outs minted less deposits plus coins minted otherwise, 0 when not, -1 when not checked');
  const withdrawn = g('withdrawals_coins', 'Coins cashed out, all time (every request taken)');
  const withdrawals = g('withdrawals', 'Cash-outs, all time');
  const deposited = g('deposits_coins', 'Coins deposited and credited, all time');
  const deposits = g('deposits', 'Deposits credited, all time');
  const profit = g('house_profit_chips', 'Chips the house kept (stakes less payouts and refunds), by game', ['game']);
  const staked = g('staked_chips', 'Chips staked (net of refunds), by game', ['game']);
  const bets = g('bets', 'Bets ended, by game', ['game']);
  const edge = g('published_edge_ratio', 'The house edge the rules publish, by game', ['game']);
  const gasPerAward = g('gas_per_award', 'Gas of confirmed mint transactions per award minted (average, all time)');
  const gasTotal = g('mint_gas', 'Gas of confirmed mint transactions, all time');
  return {
    update(report, coins, totals) {
      for (const s of report.supply) {
        const last = s.samples.at(-1);
        if (last) supply.set({ token: String(s.tokenId) }, last.supply);
      }
      if (coins.coinSupply !== undefined) coinSupply.set(coins.coinSupply);
      reconciled.set(coins.reconciled === null ? -1 : coins.reconciled ? 1 : 0);
      withdrawn.set(totals.withdrawals.coins);
      withdrawals.set(totals.withdrawals.count);
      deposited.set(totals.deposits.coins);
      deposits.set(totals.deposits.count);
      for (const h of report.house) {
        profit.set({ game: h.game }, h.houseProfit);
        staked.set({ game: h.game }, h.staked);
        bets.set({ game: h.game }, h.bets);
        if (h.expectedEdge !== null) edge.set({ game: h.game }, h.expectedEdge);
      }
      if (report.gas.totals.gasPerAward !== null) gasPerAward.set(report.gas.totals.gasPerAward);
      gasTotal.set(report.gas.totals.gas);
    },
  };
}
