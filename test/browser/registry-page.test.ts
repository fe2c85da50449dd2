/**
 * The game page checks every receipt against the fairness registry on chain (`/fairness`'s
 * `chain.registry`, read through `chain.rpcUrl`) before it reveals a seed: with the server's own
 * registry the dice play as ever; shown a registry that holds another receipt signer, the page
 * refuses the receipt and keeps the seed secret, naming the registry.
 */
import { Wallet } from 'ethers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, rollDice, signedInPage } from '../helpers/browser.ts';
import { lateRegistry } from '../helpers/late-registry.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the game page and the fairness registry', () => {
  it("plays under the server's registry, and refuses to reveal to a receipt a registry does not back", async () => {
    const honest = await signedInPage(browser, server.url);
    await honest.page.click('#create-dice');
    await honest.page.waitForSelector('#dice:not([hidden])');
    expect((await rollDice(honest.page, 0)).verified).toBe('true');
    expect(await honest.page.locator('#dice-history li[data-registry]').count()).toBe(0);
    expect(honest.errors).toEqual([]);

    // Another page is shown a registry where someone else signs receipts.
    const stranger = await lateRegistry(server, { signer: Wallet.createRandom().address });
    const context = await browser.newContext();
    await context.route('**/fairness', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { chain: Record<string, unknown> };
      await route.fulfill({ response: res, json: { ...body, chain: { ...body.chain, registry: stranger } } });
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.click('#sign-in-local');
    await page.waitForSelector('#lobby:not([hidden])');
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    await page.press('#stake', 'Enter');
    const row = page.locator('#rolls li[data-draw="0"][data-verified="false"]');
    await row.waitFor({ timeout: 30_000 });
    const text = await row.innerText();
    console.log(`the page under another registry: ${text}`);
    expect(text).toMatch(/receipt refused, seed kept secret/);
    expect(text).toMatch(/receipt signer 0x[0-9a-f]{40} is not registered on chain/);
    await context.close();
  });
});
