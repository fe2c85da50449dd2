/**
 * The end of `npm run load -- --economy`: once the bots have stopped, waits (bounded) for the
 * minter to settle and for one more supply sample, reads `GET /economy` and `/health`'s coin
 * reconciliation, and prints their figures next to the load figures; with
 * `--keep-economy-screenshot PATH`, saves a full-page picture of the page `/economy` (Debian's
 * Chromium through playwright-core, as the browser tests drive it) before the server stops.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CoinReconciliation } from '../../server/economy/reconciliation.ts';
import type { EconomyReport } from '../../server/economy/economy-stats.ts';
import { collectPageErrors, launchChromium } from '../helpers/browser.ts';
import { getJson } from '../helpers/player.ts';
import { economyStats } from './economy-bots.ts';

export interface EconomyFigures {
  readonly report: EconomyReport;
  readonly coins: CoinReconciliation | undefined;
  /** Whether the reconciliation counted every cash-out and deposit of the bots within SETTLE_MS. */
  readonly settled: boolean;
  /** Seconds the tool waited for the minter to settle and a last sample. */
  readonly settleSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The most the tool waits for the bots' cash-outs to be minted and the reconciliation to add up. */
const SETTLE_MS = 60_000;

/** Whether a reconciliation checked after `since` adds up with every cash-out and deposit of the bots in it. */
const settledBy = (c: CoinReconciliation | undefined, since: number): boolean =>
  c?.reconciled === true && c.checkedAt >= since && (c.inFlight ?? 0) === 0 && c.withdrawn === economyStats.cashedCoins && c.deposited === economyStats.depositedCoins;

/**
 * Waits (at most SETTLE_MS) until a fresh reconciliation (`/health`'s is up to 15 s old) adds up
 * with every cash-out of the bots minted and every deposit burned, then for a supply sample
 * taken after that, and reads the figures.
 */
export async function economyFigures(url: string, sampleSeconds: number): Promise<EconomyFigures> {
  const t0 = performance.now();
  const since = Date.now();
  let coins: CoinReconciliation | undefined;
  while (performance.now() - t0 < SETTLE_MS) {
    coins = (await getJson<{ economy?: CoinReconciliation }>(`${url}/health`).catch(() => ({ economy: undefined }))).economy;
    if (settledBy(coins, since)) break;
    await sleep(1000);
  }
  const settledInTime = settledBy(coins, since);
  const settled = Date.now();
  const deadline = performance.now() + (sampleSeconds + 10) * 1000;
  let report = await getJson<EconomyReport>(`${url}/economy`);
  // A sample after the mints settled, so the supply plot ends where the chain is.
  while (performance.now() < deadline && !report.supply.some((t) => t.samples.some((s) => s.at >= settled))) {
    await sleep(1000);
    report = await getJson<EconomyReport>(`${url}/economy`);
  }
  return { report, coins, settled: settledInTime, settleSeconds: (performance.now() - t0) / 1000 };
}

const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)}%`);
const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The economy's lines of the final report. */
export function printEconomy(f: EconomyFigures, log: (line: string) => void = console.log): void {
  const { report, coins } = f;
  const sum = (pick: (e: EconomyReport['flows'][number]) => { count: number; coins: number }) =>
    report.flows.reduce((t, e) => ({ count: t.count + pick(e).count, coins: t.coins + pick(e).coins }), { count: 0, coins: 0 });
  const out = sum((e) => e.withdrawals);
  const back = sum((e) => e.deposits);
  const bots = economyStats;
  log(
    `\neconomy (GET /economy after the run; ${f.settleSeconds.toFixed(0)} s waited for ` +
      (f.settled ? 'every cash-out to be minted and a last sample)' : `the mints, NOT ALL MINTED in ${SETTLE_MS / 1000} s, and a last sample)`),
  );
  log(`  bots                   ${bots.cashOuts} cash-outs of ${n(bots.cashedCoins)} coins, ${bots.deposits} deposits of ${n(bots.depositedCoins)} coins, ${bots.faucetPayments} faucet payments` +
    (bots.refusals.size ? `; refused: ${[...bots.refusals].map(([k, c]) => `${k}: ${c}`).join(', ')}` : ''));
  log(`  cash-outs              ${out.count} withdrawals of ${n(out.coins)} coins`);
  log(`  deposits               ${back.count} deposits of ${n(back.coins)} coins`);
  for (const t of report.supply)
    log(`  ${'supply'.padEnd(22)} ${t.name}: ${t.samples.length} samples, the last ${n(t.samples.at(-1)?.supply ?? 0)}`);
  for (const h of report.house)
    log(
      `  ${`house, ${h.game}`.padEnd(22)} ${n(h.bets)} bets, ${n(h.staked)} chips staked, profit ${n(h.houseProfit)} chips: edge ${pct(h.realisedEdge)} ` +
        `(95% band ${h.band ? `${pct(h.band.low)} to ${pct(h.band.high)}` : 'n/a'}) against the published ${pct(h.expectedEdge)}` +
        (h.expectedInBand === null ? '' : h.expectedInBand ? ', in the band' : ', OUTSIDE the band'),
    );
  const g = report.gas.totals;
  log(`  gas                    ${n(g.txs)} mint transactions, ${n(g.awards)} awards, ${n(g.gas)} gas: ${g.gasPerAward === null ? 'n/a' : n(Math.round(g.gasPerAward))} gas per award`);
  const epoch = report.capUse?.at(-1);
  if (epoch) log(`  cap use this epoch     ${epoch.tokens.filter((t) => t.minted > 0).map((t) => `${t.name} ${n(t.minted)} of ${n(t.epochCap)}`).join(', ') || 'nothing minted'}`);
  else if (report.chainError) log(`  cap use                n/a (${report.chainError})`);
  log(
    `  reconciliation         ${coins?.reconciled === true ? 'the coins add up' : coins?.reconciled === false ? 'THE COINS DO NOT ADD UP' : `not checked (${coins?.why ?? 'no answer'})`}: ` +
      `supply ${coins?.coinSupply ?? 'n/a'} = withdrawn ${coins?.withdrawn ?? 'n/a'} - deposited ${coins?.deposited ?? 'n/a'} + house issued ${coins?.houseIssued ?? 'n/a'}` +
      (coins?.difference ? ` (difference ${coins.difference})` : ''),
  );
}

/** Saves a full-page picture of /economy at `path`, once the page says it has drawn its charts. */
export async function economyScreenshot(url: string, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const errors = collectPageErrors(page);
    await page.goto(`${url}/economy`);
    // The page sets data-ready to "true" once drawn, "error" if its figures failed to load.
    const ready = await page
      .waitForFunction(() => document.body.dataset['ready'], undefined, { timeout: 30_000 })
      .then((h) => h.jsonValue())
      .catch(() => 'not in 30 s');
    if (ready !== 'true') throw new Error(`/economy did not draw (${ready}); page errors: ${errors.join('; ') || 'none'}; page: ${(await page.innerText('body')).slice(0, 300)}`);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
