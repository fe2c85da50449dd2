/**
 * The inventory in Debian's Chromium against the real server and its embedded chain: chips won at
 * dice and cashed out mint coins (wins alone mint nothing), and the coin's card shows them counted
 * right ("1 coin", then "2 coins"), with the
 * token id and the GameAssets contract; the award history opens onto the mint's transaction
 * page, which shows the transfer; a send to a mistyped address is refused in a sentence, and a
 * send of 1 coin to another address moves both balances on the chain. A wallet user sends with the
 * wallet, and is shown what to import to see the tokens there.
 */
import { join } from 'node:path';
import { Wallet, type HDNodeWallet } from 'ethers';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, signedInPage } from '../helpers/browser.ts';
import { cashOut, CASH_OUT_TEST_ENV, earnWithdrawable, playerBettor } from '../helpers/earn-coins.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { walletAtDiceTable } from '../helpers/injected-wallet.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
let browser: Browser;

withServerAndBrowser({ env: { MAX_MESSAGES_PER_SECOND: '1000', ...CASH_OUT_TEST_ENV } }, (s, b) => ((server = s), (browser = b)));

/** The player's coins on the chain, as the server reads them. */
const coinsOf = async (address: string): Promise<bigint> => BigInt((await getJson<{ balances: Record<string, string> | null }>(`${server.url}/players/${address}/awards`)).balances?.['1'] ?? -1);

/**
 * Cashes `coins` out for `wallet`: chips won over the bonus at a dice table of its own (through the
 * SDK, beside the page), then `POST /economy/cash-out`; the page's inventory is refreshed.
 */
async function cashOutCoins(page: Page, wallet: Wallet | HDNodeWallet, coins: number): Promise<void> {
  const player = await TestPlayer.join(server.url, { wallet, create: true });
  await earnWithdrawable(server.url, playerBettor(player), coins);
  await player.room.leave();
  await cashOut(server.url, wallet, coins);
  await page.click('#refresh-inventory');
}

/** The page's browser key (a local sign-in keeps it in localStorage, client/src/sign-in.ts). */
const browserKey = async (page: Page): Promise<Wallet> => new Wallet((await page.evaluate(() => localStorage.getItem('fairplay.localKey')))!);

describe('the inventory', () => {
  it('shows each coin cashed out on its card, opens the mint transaction, refuses a bad address in words and sends a coin', { timeout: 240_000 }, async () => {
    const { page, address, errors } = await signedInPage(browser, server.url);
    const { chain } = await getJson<{ chain: { gameAssets: string } }>(`${server.url}/fairness`);
    expect(await page.locator('#inventory-empty').isVisible()).toBe(true);
    const wallet = await browserKey(page);
    expect(wallet.address).toBe(address);

    const card = page.locator('.token-card[data-token-id="1"]');
    await cashOutCoins(page, wallet, 1);
    await page.locator('.token-card[data-token-id="1"][data-amount="1"]').waitFor({ timeout: 30_000 });
    expect(await card.locator('.token-name').innerText()).toBe('1 coin');
    await cashOutCoins(page, wallet, 1);
    await page.locator('.token-card[data-token-id="1"][data-amount="2"]').waitFor({ timeout: 30_000 });
    expect(await card.locator('.token-name').innerText()).toBe('2 coins');
    expect(await card.locator('.token-id').innerText()).toBe('1');
    expect(await card.locator('.token-contract').getAttribute('title')).toBe(chain.gameAssets);
    expect(await card.locator('.token-contract').innerText()).toBe(`${chain.gameAssets.slice(0, 6)}…${chain.gameAssets.slice(-4)}`);
    expect(await page.locator('#inventory-empty').isVisible()).toBe(false);
    // A browser key is not told how to import the tokens into a wallet: it is not one.
    expect(await card.locator('.wallet-help').count()).toBe(0);

    // The history: each award (a cash-out) minted with its transaction.
    await card.locator('.token-history summary').click();
    await card.locator('.awards li[data-status="minted"]').nth(1).waitFor({ timeout: 30_000 });
    const rows = await card.locator('.awards li').allInnerTexts();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^\+1 coin — minted — transaction 0x[0-9a-f]{8}…[0-9a-f]{4} — cashed out from your chips$/);
    await screenshot(page, 'inventory');
    const txHash = (await card.locator('.awards li a.award-tx').first().getAttribute('title'))!;
    await card.locator('.awards li a.award-tx').first().click();
    await page.waitForURL(`**/tx/${txHash}`);
    expect(await page.locator('#tx-facts').innerText()).toContain('succeeded');
    const transfer = page.locator('#tx-transfers tr[data-token-id="1"][data-amount="1"]');
    expect(await transfer.innerText()).toContain(address);
    await screenshot(page, 'inventory-tx');
    await page.goBack();
    await page.locator('.token-card[data-token-id="1"][data-amount="2"]').waitFor({ timeout: 30_000 });

    // Send: a mistyped address is refused in a sentence, and nothing moves.
    await card.locator('.token-send summary').click();
    await card.locator('.send-to').fill('0x12345');
    await card.locator('.send-form button[type=submit]').click();
    const status = card.locator('.send-status');
    await expect.poll(() => status.innerText()).toBe('An address is 0x followed by 40 hexadecimal digits (0–9 and a–f); "0x12345" is not one.');
    expect(await status.getAttribute('data-state')).toBe('refused');
    await card.locator('.send-to').fill(chain.gameAssets);
    await card.locator('.send-form button[type=submit]').click();
    await expect.poll(() => status.innerText()).toBe('That is the GameAssets contract itself: tokens sent there could not be taken out again.');
    await card.locator('.send-to').fill(Wallet.createRandom().address);
    await card.locator('.send-amount').fill('3');
    await card.locator('.send-form button[type=submit]').click();
    await expect.poll(() => status.innerText()).toBe('You hold 2 coins, so you cannot send 3.');
    expect(await coinsOf(address)).toBe(2n);

    // A coin to another address: both balances move on the chain, and the card follows.
    const other = Wallet.createRandom().address;
    await card.locator('.send-to').fill(other.toLowerCase());
    await card.locator('.send-amount').fill('1');
    const started = Date.now();
    await card.locator('.send-form button[type=submit]').click();
    await card.locator('.send-status[data-state="done"]').waitFor({ timeout: 60_000 });
    console.log(`send of 1 coin, from click to mined (faucet included): ${Date.now() - started} ms`);
    expect(await status.innerText()).toBe(`Sent 1 coin to ${other}. See the transaction`);
    const sentTx = (await status.locator('a.send-tx').getAttribute('href'))!;
    expect(sentTx).toMatch(/^\/tx\/0x[0-9a-f]{64}$/);
    await waitFor(async () => (await coinsOf(address)) === 1n && (await coinsOf(other)) === 1n, { what: 'the sender at 1 coin and the recipient at 1' });
    await page.locator('.token-card[data-token-id="1"][data-amount="1"]').waitFor({ timeout: 30_000 });
    expect(await card.locator('.token-name').innerText()).toBe('1 coin');
    await screenshot(page, 'inventory-sent');
    // On a phone the cards fit: nothing in the inventory is wider than the section.
    await page.setViewportSize({ width: 360, height: 800 });
    const fits = await page.locator('#inventory').evaluate((s) => [s.scrollWidth, s.clientWidth]);
    expect(fits[0], 'the inventory scrolls sideways at 360 px').toBeLessThanOrEqual(fits[1]!);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'inventory-phone', { fullPage: false });
    // The transfer's page names both sides.
    const sentPage = await (await fetch(`${server.url}${sentTx}`)).text();
    expect(sentPage).toContain(`data-token-id="1" data-amount="1"`);
    expect(sentPage).toContain(`<code>${other}</code>`);
    expect(sentPage).toContain(`<code>${address}</code>`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a wallet user sends with the wallet, and is told what to import to see the tokens in it', { timeout: 240_000 }, async () => {
    const chainNode = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
    const fairness = await getJson<{ chain: { gameAssets: string; chainId: string; rpcUrl: string } }>(`${server.url}/fairness`);
    const { wallet, sent, context, page, errors } = await walletAtDiceTable(browser, server.url, chainNode);
    await cashOutCoins(page, wallet, 1);
    await page.locator('.token-card[data-token-id="1"][data-amount="1"]').waitFor({ timeout: 30_000 });
    // The card by its token alone: its amount changes once the send is mined.
    const card = page.locator('.token-card[data-token-id="1"]');
    await card.locator('.token-send summary').click();
    const help = await card.locator('.wallet-help').innerText();
    for (const shown of ['Import NFT', fairness.chain.gameAssets, fairness.chain.chainId, fairness.chain.rpcUrl]) expect(help).toContain(shown);
    expect(help).toMatch(/Token ID\s+1/);
    await screenshot(page, 'inventory-wallet');
    const other = Wallet.createRandom().address;
    await card.locator('.send-to').fill(other);
    await card.locator('.send-form button[type=submit]').click();
    await card.locator('.send-status[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(sent).toHaveLength(1);
    expect(await card.locator('.send-status a.send-tx').getAttribute('href')).toBe(`/tx/${sent[0]}`);
    await waitFor(async () => (await coinsOf(wallet.address)) === 0n && (await coinsOf(other)) === 1n, { what: 'the wallet at 0 coins and the recipient at 1' });
    await page.locator('.token-card[data-token-id="1"][data-amount="0"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.token-card[data-token-id="1"] .token-name').innerText()).toBe('0 coins');
    expect(errors).toEqual([]);
    await context.close();
    chainNode.destroy();
  });
});
