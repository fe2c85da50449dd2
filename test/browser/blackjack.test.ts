/**
 * Blackjack in Debian's Chromium against the real server: the table is found through the game
 * registry like every game, hands are dealt and played with the buttons, and every hand is
 * verified in the page (the deck from the proof, and each card shown against it). A dealer's up
 * card altered on the wire is caught when the hand's deck is published.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, handEndsOrAsks, launchChromium, rewriteServerFrames, screenshot } from '../helpers/browser.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { formatChips } from '../../games/chips.ts';
import { cardWords } from '../../games/blackjack/art.ts';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openTable(page: Page): Promise<void> {
  await page.goto(server.url);
  await page.click('#sign-in-local');
  await page.waitForSelector('#lobby:not([hidden])');
  await page.click('#create-blackjack');
  await page.waitForSelector('#blackjack:not([hidden])');
}

/** Deals a hand and plays it with the buttons (hit below 17, else stand); resolves with its row once verified or failed. */
async function playHand(page: Page, hand: number): Promise<{ verified: string | null; text: string }> {
  await page.click('[data-bj="deal-button"]');
  const row = page.locator(`[data-bj="hands"] li[data-draw="${hand}"]`);
  // Either the hand is over (the row has its mark) or a move is offered.
  while (!(await handEndsOrAsks(page, hand))) {
    const total = Number(/\d+/.exec(await page.locator('[data-bj="total"]').innerText())?.[0]);
    await page.click(total < 17 ? '[data-bj="hit"]' : '[data-bj="stand"]');
  }
  return { verified: await row.getAttribute('data-verified'), text: await row.innerText() };
}

describe('blackjack in the browser', () => {
  it('deals and plays hands with the buttons; every hand verified, the balance follows', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await openTable(page);
    await expect.poll(() => page.locator('[data-bj="balance"]').innerText()).toBe('1,000');
    // A stake in chips with decimals: a natural's 3:2 of 2.5 chips is 3.75, paid exactly.
    await page.fill('[data-bj="stake"]', '2.5');
    for (let hand = 0; hand < 3; hand++) {
      const { verified, text } = await playHand(page, hand);
      expect(verified, text).toBe('true');
      expect(text).toMatch(/✓ verified/);
      // Amounts in chips (hits and stands only: the stake is never doubled).
      expect(text).toMatch(/: (blackjack, paid 6\.25 chips|win, paid 5 chips|push, paid 2\.5 chips|(lose|bust|dealer blackjack), paid 0 chips) for a stake of 2\.5 chips ✓ verified$/);
    }
    const address = (await page.locator('#identity').getAttribute('data-address'))!;
    const { balance } = (await (await fetch(`${server.url}/players/${address}/chips`)).json()) as { balance: number };
    await expect.poll(() => page.locator('[data-bj="balance"]').innerText()).toBe(formatChips(balance));
    await screenshot(page, 'blackjack');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays hands with the keyboard (N deals, H hits, S stands); the cards are SVG, the dealer\'s hole card face down until the end; results are announced', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await openTable(page);
    await page.fill('[data-bj="stake"]', '2');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let sawHoleCard = false;
    for (let hand = 0; hand < 2; hand++) {
      await page.keyboard.press('n');
      const marked = page.locator(`[data-bj="hands"] li[data-draw="${hand}"][data-verified]`);
      while (!(await handEndsOrAsks(page, hand))) {
        // While the player moves: two dealer cards, the second face down; the player's cards face up.
        const dealer = await page.locator('[data-bj="dealer"] svg[role="img"] title').allTextContents();
        expect(dealer).toHaveLength(2);
        expect(dealer[1]).toBe("the dealer's hidden card");
        if (!sawHoleCard) await screenshot(page, 'blackjack-playing');
        sawHoleCard = true;
        expect(await page.locator('[data-bj="player"] svg[role="img"]').count()).toBeGreaterThanOrEqual(2);
        const total = Number(/\d+/.exec(await page.locator('[data-bj="total"]').innerText())?.[0]);
        await page.keyboard.press(total < 17 ? 'h' : 's');
      }
      expect(await marked.getAttribute('data-verified')).toBe('true');
      // The table shows the verified hand: every card as an SVG named in words, and the outcome's state.
      const roomId = (await page.locator('#blackjack-room-id').innerText()).trim();
      const transcript = (await (await fetch(`${server.url}/rooms/${roomId}/transcript`)).json()) as { records: { type: string; drawSeq: number; result?: { player: number[]; dealer: number[]; outcome: string; payout: number } }[] };
      const result = transcript.records.find((r) => r.type === 'outcome' && r.drawSeq === hand)!.result!;
      expect(await page.locator('[data-bj="player"] svg[role="img"] title').allTextContents()).toEqual(result.player.map(cardWords));
      expect(await page.locator('[data-bj="dealer"] svg[role="img"] title').allTextContents()).toEqual(result.dealer.map(cardWords));
      const state = result.outcome === 'push' ? 'push' : result.payout > 0 ? 'win' : 'loss';
      expect(await page.locator('[data-bj="table"]').getAttribute('class')).toMatch(new RegExp(`\\b${state}\\b.*\\bverified\\b`));
      expect(await page.locator(`[data-bj="hands"] li[data-draw="${hand}"]`).getAttribute('class')).toBe(state);
      await expect.poll(() => page.locator('#announcer').textContent()).toMatch(new RegExp(`^Hand ${hand}: you \\d+, dealer \\d+: ${result.payout > 0 ? '.+, paid [\\d.]+ chips?' : '[^,]+'}\\. Verified\\.$`));
    }
    console.log(`keyboard hands: ${sawHoleCard ? 'a move was offered' : 'both hands ended at the deal (naturals)'}`);
    await screenshot(page, 'blackjack-keyboard');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says FAILED when the dealer's up card shown differs from the proven deck", async () => {
    const page = await browser.newPage();
    let tampered = 0;
    // The first frame carrying a deal: its dealerUp (a msgpack fixint, 0..51) becomes another card.
    await rewriteServerFrames(page, (frame) => {
      const at = tampered === 0 ? frame.indexOf(Buffer.from('dealerUp')) : -1;
      if (at < 0) return undefined;
      const altered = Buffer.from(frame);
      const value = at + 'dealerUp'.length;
      altered[value] = (altered[value]! + 1) % 52;
      tampered++;
      return altered;
    });
    await openTable(page);
    const first = await playHand(page, 0);
    expect(tampered).toBe(1);
    expect(first.verified).toBe('false');
    expect(first.text).toMatch(/✗ FAILED: .*up card/);
    await screenshot(page, 'blackjack-tampered');
    await page.close();
  });
});
