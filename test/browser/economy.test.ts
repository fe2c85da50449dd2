/**
 * The operator's economy page in Chromium after some play: every chart drawn from real figures
 * (the supply sampled, the cap use read from the chain, the house's dice profit against its
 * published edge, the gas of an award minted), its table alternative holding the same rows, the
 * bonus rule and the coin reconciliation in words, no serious accessibility violation in light or
 * dark, and a screenshot (test-results/screenshots/economy.png; `npm run screenshots` copies it
 * to docs/screenshots/economy.png).
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { collectPageErrors, screenshot } from '../helpers/browser.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { describeViolations, runAxe, serious } from '../helpers/axe.ts';
import { Gambler, randomWallet } from '../helpers/gambler.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
let browser: Browser;
withServerAndBrowser({ env: { ECONOMY_SAMPLE_SECONDS: '1', MAX_MESSAGES_PER_SECOND: '1000' } }, (s, b) => {
  server = s;
  browser = b;
});

interface Figures { flows: unknown[]; gas: { recent: unknown[] }; house: { game: string; bets: number }[] }
const figures = async (): Promise<Figures> => (await (await fetch(`${server.url}/economy`, { headers: { accept: 'application/json' } })).json()) as Figures;

/**
 * Gets an award minted, for the gas chart: 50-chip dice bets at a 90% chance until one wins (a
 * win's profit, 5 chips, is minted as coins).
 */
async function mintAnAward(): Promise<void> {
  const gambler = await Gambler.enter(server.url, randomWallet());
  for (let i = 0; i < 20; i++) {
    const placed = await gambler.bet({ stake: 50 * UNITS_PER_CHIP, target: 9000, direction: 'under' });
    if ('refused' in placed) throw new Error(`bet refused: ${placed.refused}`);
    gambler.reveal(placed.receipt.drawSeq, placed.seed);
    const outcome = await gambler.outcome(placed.receipt.drawSeq);
    if (Number(outcome.record.result.payout) > 0) break;
  }
  await gambler.room.leave().catch(() => undefined);
  await waitFor(async () => (await figures()).gas.recent.length > 0, { what: 'a mint transaction with its gas in /economy', timeout: 60_000, interval: 500 });
}

describe('the economy page', () => {
  it('draws every chart from real figures, with a table for each, and reads well in light and dark', async () => {
    const bettor = await HonestBettor.start(server.url);
    await mintAnAward();
    await waitFor(async () => ((await figures()).house.find((h) => h.game === 'dice')?.bets ?? 0) >= 5, { what: '5 dice bets in /economy', timeout: 60_000, interval: 500 });
    const report = await bettor.stop();
    console.log(describeHonest('economy page', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
    const json = await figures();

    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
      const errors = collectPageErrors(page);
      await page.goto(`${server.url}/economy`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      if (colorScheme === 'light') await screenshot(page, 'economy', { fullPage: false });
      // Every chart with its points drawn on a canvas; cash-outs only once some were made.
      for (const id of ['chart-supply', 'chart-caps', 'chart-house', 'chart-gas']) {
        expect(Number(await page.locator(`#${id}`).getAttribute('data-points')), id).toBeGreaterThan(0);
        await expect.poll(() => page.locator(`#${id} canvas`).count(), { message: id }).toBe(1);
        expect(await page.locator(`#${id} details tbody tr`).count(), `${id}'s table`).toBeGreaterThan(0);
      }
      if (json.flows.length === 0) expect(await page.locator('#chart-flows .plot').innerText()).toBe('No cash-outs or deposits yet.');
      else expect(Number(await page.locator('#chart-flows').getAttribute('data-points'))).toBeGreaterThan(0);
      // The dice row of the house table: its bets, stakes and the published 1%.
      await page.locator('#chart-house details summary').click();
      const dice = page.locator('#chart-house tbody tr', { hasText: 'dice' });
      await expect.poll(() => dice.innerText()).toMatch(/dice\s+\d+\s+[\d,.]+ chips?\s+-?[\d,.]+ chips?\s+-?[\d.]+%\s+-?[\d.]+% to -?[\d.]+%\s+1\.0000%/);
      expect(await page.locator('#bonus-rule').innerText()).toMatch(/^A new player gets 1,000 bonus chips/);
      await expect.poll(() => page.locator('#reconciliation').innerText()).toMatch(/^The coins add up\./);
      expect(await page.locator('#top-winners tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('#gas-by-player tbody tr').count()).toBeGreaterThan(0);
      const violations = await runAxe(page);
      console.log(describeViolations(`economy page, ${colorScheme}`, violations));
      expect(serious(violations).map((v) => `${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 240_000);
});
