/**
 * Autobet at the dice table, in Debian's Chromium against the real server: a run plays its
 * number of bets, each a verified draw of its own; a stop on loss ends the run at the first bet
 * that reaches it; Stop ends a long run. What the page says it won or lost is checked against the
 * room's transcript, bet by bet.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, signedInPage } from '../helpers/browser.ts';
import { getJson } from '../helpers/player.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { formatChips } from '../../games/chips.ts';

let server: ServerProcess;
let browser: Browser;

withServerAndBrowser({ env: { MAX_MESSAGES_PER_SECOND: '1000' } }, (s, b) => ((server = s), (browser = b)));

interface Outcome {
  type: string;
  drawSeq: number;
  result: { roll: number; win: boolean; payout: number };
}

async function diceTable(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await signedInPage(browser, server.url);
  await page.click('#create-dice');
  await page.waitForSelector('#dice:not([hidden])');
  await page.locator('#autobet summary').click();
  return { page, errors };
}

/** Starts a run with these fields and waits for it to end: its status line and the room's outcomes. */
async function run(page: Page, fields: { count: string; profit?: string; loss?: string }, whileRunning?: () => Promise<void>) {
  await page.fill('#autobet-count', fields.count);
  await page.fill('#autobet-profit', fields.profit ?? '');
  await page.fill('#autobet-loss', fields.loss ?? '');
  await page.click('#autobet-start');
  await whileRunning?.();
  const status = page.locator('#autobet-status[data-ended="true"]');
  await status.waitFor({ timeout: 120_000 });
  const roomId = await page.locator('#dice-room-id').innerText();
  const transcript = await getJson<{ records: Outcome[] }>(`${server.url}/rooms/${roomId}/transcript`);
  return { text: await status.innerText(), played: Number(await status.getAttribute('data-played')), outcomes: transcript.records.filter((r) => r.type === 'outcome') };
}

/** "up 1.96 chips" / "down 3 chips", as the page says a net amount in units. */
const netWords = (units: number) => `${units >= 0 ? 'up' : 'down'} ${formatChips(Math.abs(units))} chips`;

describe('autobet at the dice table', () => {
  it('plays its number of bets, each verified, and says the net the transcript shows', { timeout: 180_000 }, async () => {
    const { page, errors } = await diceTable();
    await page.fill('#stake', '1');
    const { text, played, outcomes } = await run(page, { count: '5' });
    expect(played).toBe(5);
    expect(outcomes).toHaveLength(5);
    for (const o of outcomes) expect(await page.locator(`#rolls li[data-draw="${o.drawSeq}"]`).getAttribute('data-verified')).toBe('true');
    const net = outcomes.reduce((s, o) => s + o.result.payout - 1_000_000, 0);
    expect(text).toBe(`Autobet ended: all 5 bets played. 5 bets played, ${netWords(net)}.`);
    expect(errors).toEqual([]);
  });

  it('stops at the first bet that reaches the loss to stop at, and Stop ends a long run', { timeout: 180_000 }, async () => {
    const { page, errors } = await diceTable();
    // A 1% chance: nearly every bet loses, and the run stops at the first loss of its 1 chip. A
    // first bet that wins (1 in 100) puts the run 98 chips up, out of reach of the loss in 50 bets:
    // the profit limit ends that run at once, and another is started (all three win: 1 in a million).
    await page.fill('#stake', '1');
    await page.locator('#target').fill('100');
    let before = 0;
    for (let runs = 1; ; runs++) {
      // Each run is one bet, so the table holds one outcome per run.
      const ended = await run(page, { count: '50', profit: '0.5', loss: '0.5' });
      expect(ended.played).toBe(1);
      expect(ended.outcomes).toHaveLength(runs);
      before = ended.outcomes.length;
      const last = ended.outcomes.at(-1)!;
      expect(ended.text).toContain(`the ${last.result.win ? 'profit' : 'loss'} to stop at. 1 bet played, ${netWords(last.result.payout - 1_000_000)}.`);
      if (!last.result.win) break;
      expect(runs, 'three runs in a row won at 1% (1 in a million)').toBeLessThan(3);
    }

    // Stop, pressed while a run of 1,000 is under way, ends it after the bet in play.
    const stopped = await run(page, { count: '1000' }, async () => {
      await expect.poll(async () => Number(await page.locator('#autobet-status').getAttribute('data-played')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
      await page.click('#autobet-start');
    });
    expect(stopped.text).toMatch(/^Autobet ended: stopped\. \d+ bets played/);
    expect(stopped.played).toBeGreaterThanOrEqual(2);
    expect(stopped.played).toBeLessThan(1000);
    expect(stopped.outcomes.length - before).toBe(stopped.played);
    expect(errors).toEqual([]);
  });

  it('refuses limits it cannot read, in a sentence, and plays nothing', async () => {
    const { page } = await diceTable();
    await page.fill('#autobet-count', '0');
    await page.click('#autobet-start');
    expect(await page.locator('#autobet-status').innerText()).toBe('The number of bets must be a whole number from 1 to 1000.');
    await page.fill('#autobet-count', '3');
    await page.fill('#autobet-loss', '-1');
    await page.click('#autobet-start');
    expect(await page.locator('#autobet-status').innerText()).toMatch(/^"-1" is not an amount of chips to stop a loss at/);
    expect(await page.locator('#rolls li').count()).toBe(0);
  });
});
