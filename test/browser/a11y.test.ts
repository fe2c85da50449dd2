/**
 * Accessibility and the phone layout, checked with axe-core against the real server: the sign-in
 * screen, the lobby, a room of each game (created from the lobby) and /verify, at desktop size in
 * the light and the dark theme and on a 360 px phone. No violation of impact serious or critical
 * may remain (every violation axe finds is printed, whatever its impact). Along the way: focus
 * lands on each new screen's heading (after sign-in, entering a room, leaving it), and at 360 px
 * nothing scrolls sideways.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GAMES } from '../../games/registry.ts';
import { describeViolations, runAxe, serious } from '../helpers/axe.ts';
import { collectPageErrors, rollDice, standHand } from '../helpers/browser.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';

let server: ServerProcess;
let browser: Browser;
withServerAndBrowser({ env: { MAX_MESSAGES_PER_SECOND: '100' } }, (s, b) => ((server = s), (browser = b)));

/** Selectors left out of axe's check, each with the rule that fails there and why it is not fixed here. */
const EXCLUDED: Readonly<Record<string, readonly string[]>> = {};

const SIZES: readonly { name: string; options: BrowserContextOptions; phone: boolean }[] = [
  { name: 'desktop, light', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }, phone: false },
  { name: 'desktop, dark', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' }, phone: false },
  { name: 'phone 360 px', options: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'light' }, phone: true },
];

/** Runs axe on what `page` shows; prints every violation, returns the serious and critical ones. */
async function check(page: Page, where: string, exclude: readonly string[] = []): Promise<string[]> {
  const violations = await runAxe(page, exclude);
  console.log(describeViolations(where, violations));
  return serious(violations).map((v) => `${where}: [${v.impact}] ${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`);
}

/** The page's width beyond the viewport: 0 when nothing scrolls sideways. */
async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Waits until the game's view has drawn itself (a room of each game shows its first controls). */
async function roomShown(page: Page, game: string): Promise<void> {
  await page.waitForSelector(`#${game}:not([hidden])`);
  await page.waitForFunction((id) => (document.getElementById(`${id}-view`)?.childElementCount ?? 0) > 0, game);
}

/** Plays the room a little, so results and their states are on screen to be checked too. */
async function roomPlayed(page: Page, game: string): Promise<void> {
  if (game === 'dice') await rollDice(page, 0); // a row with its result and verdict, so their colours are checked too
  if (game === 'raid') await page.waitForSelector('#raid-status[data-phase="playing"]', { timeout: 20_000 });
  if (game === 'blackjack') {
    // One hand, played to its end with the buttons (stand whenever a move is asked), so the table,
    // the cards and the verified hand are on screen at this size too.
    await standHand(page, 0);
    expect(await page.locator('[data-bj="hands"] li[data-draw="0"]').getAttribute('data-verified')).toBe('true');
  }
}

describe.each(SIZES)('accessibility at $name', ({ name, options, phone }) => {
  it('has no serious or critical axe violations, focus follows each screen, and nothing scrolls sideways on a phone', { timeout: 180_000 }, async () => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const found: string[] = [];
    const overflow: string[] = [];
    const measureOverflow = async (where: string) => {
      const extra = await sidewaysOverflow(page);
      console.log(`${name}, ${where}: scrollWidth ${await page.evaluate(() => document.scrollingElement!.scrollWidth)} px at ${options.viewport!.width} px`);
      if (phone && extra > 0) overflow.push(`${where}: ${extra} px too wide`);
    };

    await page.goto(server.url);
    await page.waitForSelector('#sign-in-local:not([disabled])');
    found.push(...(await check(page, `${name}, sign-in`)));
    await measureOverflow('sign-in');

    await page.click('#sign-in-local');
    await page.waitForSelector('#lobby:not([hidden])');
    await expect.poll(() => focusedId(page)).toBe('lobby-heading');
    found.push(...(await check(page, `${name}, lobby`)));
    await measureOverflow('lobby');

    for (const { id: game } of GAMES) {
      await page.click(`#create-${game}`);
      await roomShown(page, game);
      await expect.poll(() => focusedId(page)).toBe(`${game}-heading`);
      await roomPlayed(page, game);
      found.push(...(await check(page, `${name}, ${game} room`, EXCLUDED[game])));
      await measureOverflow(`${game} room`);
      await page.click(`#leave-${game}`);
      await page.waitForSelector('#lobby:not([hidden])');
      await expect.poll(() => focusedId(page)).toBe('lobby-heading');
    }

    await page.goto(`${server.url}/verify`);
    await page.waitForFunction(() => (document.getElementById('public-key') as HTMLInputElement | null)?.value !== '');
    found.push(...(await check(page, `${name}, /verify`)));
    await measureOverflow('/verify');

    await context.close();
    expect(overflow).toEqual([]);
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  });
});
