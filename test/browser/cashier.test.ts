/**
 * The cashier in Debian's Chromium against the real server and its embedded chain: a player
 * signed in with the browser key holds coins (minted to it here with the chain's admin key from
 * the data directory), deposits some from the page, and sees them credited as chips once: the
 * page's line, the server's balance and the database's one `deposits` row agree. A deposit of
 * more than the player holds is refused in a sentence before anything is signed. A wallet user's
 * deposit is sent by the wallet.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { formatChips } from '../../games/chips.ts';
import { collectPageErrors, screenshot, signedInPage } from '../helpers/browser.ts';
import { embeddedAdmin, fundedPlayer, mintCoins } from '../helpers/coins.ts';
import { injectWallet } from '../helpers/injected-wallet.ts';
import { getJson } from '../helpers/player.ts';
import { serverPlace } from '../helpers/server-database.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
let browser: Browser;

withServerAndBrowser({}, (s, b) => ((server = s), (browser = b)));

const chipsOf = async (address: string): Promise<number> => (await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance;
const coinsOf = async (address: string): Promise<bigint> => BigInt((await getJson<{ balances: Record<string, string> | null }>(`${server.url}/players/${address}/awards`)).balances?.['1'] ?? -1);

describe('the cashier', () => {
  it('deposits coins from the browser key and shows the chips credited once', { timeout: 180_000 }, async () => {
    const { page, address, errors } = await signedInPage(browser, server.url);
    const { chain } = await getJson<{ chain: { gameAssets: string; deposits: string } }>(`${server.url}/fairness`);
    expect(chain.deposits).toBe('open');
    await page.locator('#cashier:not([hidden]) .cashier-line').first().waitFor();
    const before = await chipsOf(address);
    expect(await page.locator('#cashier-lines .cashier-line').first().innerText()).toBe(`You have ${formatChips(before)} chips.`);

    const admin = embeddedAdmin(server.dataDir, chain.gameAssets);
    try {
      await mintCoins(admin.assets, address, 12);
    } finally {
      admin.close();
    }
    expect(await coinsOf(address)).toBe(12n);

    // More than it holds: refused in words, nothing sent.
    await page.fill('#deposit-coins', '13');
    await page.click('#deposit-submit');
    const status = page.locator('#deposit-status');
    await expect.poll(() => status.innerText()).toBe('You hold 12 coins on the chain, so you cannot deposit 13.');
    expect(await status.getAttribute('data-state')).toBe('refused');

    // 5 coins into chips: burned by the browser key (gas from the faucet), credited once.
    await page.fill('#deposit-coins', '5');
    const started = Date.now();
    await page.click('#deposit-submit');
    await page.locator('#deposit-status[data-state="done"]').waitFor({ timeout: 90_000 });
    console.log(`deposit of 5 coins, from click to chips credited on the page (faucet included): ${Date.now() - started} ms`);
    expect(await status.innerText()).toMatch(/^5 coins credited as 5 chips\. See the transaction$/);
    expect(await chipsOf(address)).toBe(before + 5_000_000);
    expect(await coinsOf(address)).toBe(7n);
    await expect.poll(() => page.locator('#cashier-lines .cashier-line').first().innerText()).toBe(`You have ${formatChips(before + 5_000_000)} chips.`);
    await expect.poll(() => page.locator('#cashier-lines').innerText()).toContain('You hold 7 coins on the chain');

    // Once: one deposits row and one chip entry, also after the watcher read past the deposit's block.
    const database = await openDatabase(await serverPlace(server.dataDir));
    try {
      const rows = await database.db.selectFrom('deposits').selectAll().where('address', '=', address.toLowerCase()).execute();
      expect(rows.map((r) => Number(r.coins))).toEqual([5]);
      const block = Number(rows[0]!.block_number);
      await waitFor(async () => Number((await database.db.selectFrom('deposit_cursors').select('next_block').executeTakeFirst())?.next_block ?? 0) > block, { what: 'the watcher to read past the deposit' });
      const entries = await database.db.selectFrom('chip_entries').select(['ref', 'delta']).where('address', '=', address.toLowerCase()).where('reason', '=', 'deposit').execute();
      expect(entries).toEqual([{ ref: `deposit/${rows[0]!.deposit_id}`, delta: 5_000_000 }]);
    } finally {
      await database.close();
    }
    expect(await chipsOf(address)).toBe(before + 5_000_000);
    await screenshot(page, 'cashier-deposit');
    expect(errors).toEqual([]);
  });

  it('deposits coins from an injected wallet, which sends the transaction', { timeout: 180_000 }, async () => {
    const { chain } = await getJson<{ chain: { gameAssets: string } }>(`${server.url}/fairness`);
    const admin = embeddedAdmin(server.dataDir, chain.gameAssets);
    try {
      const wallet = await fundedPlayer(admin.provider);
      await mintCoins(admin.assets, wallet.address, 4);
      const context = await browser.newContext();
      const { sent } = await injectWallet(context, wallet);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(server.url);
      await page.click('#sign-in-wallet');
      await page.waitForSelector('#lobby:not([hidden])');
      await page.locator('#cashier:not([hidden]) .cashier-line').first().waitFor();
      const before = await chipsOf(wallet.address);
      await page.fill('#deposit-coins', '3');
      await page.click('#deposit-submit');
      await page.locator('#deposit-status[data-state="done"]').waitFor({ timeout: 90_000 });
      expect(await page.locator('#deposit-status').innerText()).toMatch(/^3 coins credited as 3 chips\. See the transaction$/);
      expect(sent).toHaveLength(1);
      expect(await chipsOf(wallet.address)).toBe(before + 3_000_000);
      expect(await coinsOf(wallet.address)).toBe(1n);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      admin.close();
    }
  });
});
