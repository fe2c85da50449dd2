/**
 * The operator's economy page in Chromium after some play and a cash-out: every chart drawn from
 * real figures (the supply sampled, the cash-out in its epoch, the cap use read from the chain,
 * the house's dice profit against its published edge, the gas of the cash-out's mint), its table alternative holding the same rows, the
 * bonus rule and the coin reconciliation in words, no serious accessibility violation in light or
 * dark, and a screenshot (test-results/screenshots/economy.png; `npm run screenshots` copies it
 * to docs/screenshots/economy.png).
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectPageErrors, screenshot } from '../helpers/browser.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { describeViolations, runAxe, serious } from '../helpers/axe.ts';
import { CASH_OUT_TEST_ENV, cashOut, earnWithdrawable, gamblerBettor } from '../helpers/earn-coins.ts';
import { Gambler, randomWallet } from '../helpers/gambler.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
let browser: Browser;
withServerAndBrowser({ env: { ...CASH_OUT_TEST_ENV, ECONOMY_SAMPLE_SECONDS: '1', MAX_MESSAGES_PER_SECOND: '1000' } }, (s, b) => {
  server = s;
  browser = b;
});

interface Figures { flows: unknown[]; gas: { recent: unknown[] }; house: { game: string; bets: number }[] }
const figures = async (): Promise<Figures> => (await (await fetch(`${server.url}/economy`, { headers: { accept: 'application/json' } })).json()) as Figures;

/**
 * A cash-out, for the cash-out chart and the gas chart (its award is minted): dice bets until the
 * player has a coin it may withdraw (the shared earnWithdrawable; the server runs without a
 * wagering requirement, from 1 coin), then that coin cashed out.
 */
async function cashOutWinnings(): Promise<void> {
  const wallet = randomWallet();
  const gambler = await Gambler.enter(server.url, wallet);
  const { withdrawableCoins } = await earnWithdrawable(server.url, gamblerBettor(gambler), 1);
  await gambler.room.leave().catch(() => undefined);
  await cashOut(server.url, wallet, withdrawableCoins);
  await waitFor(async () => {
    const f = await figures();
    return f.gas.recent.length > 0 && f.flows.length > 0;
  }, { what: 'the cash-out and a mint transaction with its gas in /economy', timeout: 60_000, interval: 500 });
}

describe('the economy page', () => {
  it('draws every chart from real figures, with a table for each, and reads well in light and dark', async () => {
    const bettor = await HonestBettor.start(server.url);
    await cashOutWinnings();
    await waitFor(async () => ((await figures()).house.find((h) => h.game === 'dice')?.bets ?? 0) >= 5, { what: '5 dice bets in /economy', timeout: 60_000, interval: 500 });
    const report = await bettor.stop();
    console.log(describeHonest('economy page', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);

    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
      const errors = collectPageErrors(page);
      await page.goto(`${server.url}/economy`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      if (colorScheme === 'light') await screenshot(page, 'economy', { fullPage: false });
      // Every chart with its points drawn on a canvas.
      for (const id of ['chart-supply', 'chart-flows', 'chart-caps', 'chart-house', 'chart-gas']) {
        expect(Number(await page.locator(`#${id}`).getAttribute('data-points')), id).toBeGreaterThan(0);
        await expect.poll(() => page.locator(`#${id} canvas`).count(), { message: id }).toBe(1);
        expect(await page.locator(`#${id} details tbody tr`).count(), `${id}'s table`).toBeGreaterThan(0);
      }
      // The dice row of the house table: its bets, stakes and the published 1%.
      await page.locator('#chart-house details summary').click();
      const dice = page.locator('#chart-house tbody tr', { hasText: 'dice' });
      await expect.poll(() => dice.innerText()).toMatch(/dice\s+\d+\s+[\d,.]+ chips?\s+-?[\d,.]+ chips?\s+-?[\d.]+%\s+-?[\d.]+% to -?[\d.]+%\s+1\.0000%/);
      expect(await page.locator('#bonus-rule').innerText()).toMatch(/The 1,000,000 free starting chips are a bonus: they can be played but never cashed out/);
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
