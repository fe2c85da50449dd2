/**
 * A player's session in the browser against the real server: after Leave, new rooms and joins
 * work without a reload (each join signs a fresh sign-in nonce: the server takes each once).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, rollDice, screenshot, signedInPage } from '../helpers/browser.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '100' } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a session in the browser', () => {
  it('after Leave, New raid, New dice room and Join work without a reload', async () => {
    const { page, errors } = await signedInPage(browser, server.url);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    expect((await rollDice(page, 0)).verified).toBe('true');
    await page.click('#leave-dice');
    await page.waitForSelector('#lobby:not([hidden])');

    await page.click('#create-raid');
    await page.waitForSelector('#raid:not([hidden])', { timeout: 10_000 });
    await page.click('#leave-raid');
    await page.waitForSelector('#lobby:not([hidden])');

    const host = await Raider.join(server.url);
    await page.click('#refresh-rooms');
    await page.locator(`#raid-rooms tr[data-room-id="${host.room.roomId}"] button`).click();
    await page.waitForSelector('#raid:not([hidden])', { timeout: 10_000 });
    expect((await page.locator('#raid-room-id').innerText()).trim()).toBe(host.room.roomId);
    await page.click('#leave-raid');
    await page.waitForSelector('#lobby:not([hidden])');

    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])', { timeout: 10_000 });
    expect((await rollDice(page, 0)).verified).toBe('true');
    await screenshot(page, 'session-after-leave');
    expect(errors).toEqual([]);
    await host.room.leave();
  });
});
