/**
 * A player's session in the browser against the real server: after Leave, new rooms and joins
 * work without a reload (each join signs a fresh sign-in nonce: the server takes each once); a
 * reload keeps the player signed in with the browser key and puts them back in their room, or
 * in the lobby with a message when the room is gone.
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

  it('a reload keeps the player signed in, without a click, and back in their room', async () => {
    const { page, address, errors } = await signedInPage(browser, server.url);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    const roomId = (await page.locator('#dice-room-id').innerText()).trim();
    expect((await rollDice(page, 0)).verified).toBe('true');
    const balance = await page.locator('#balance').innerText();

    await page.reload();
    await page.waitForSelector('#dice:not([hidden])', { timeout: 15_000 });
    expect(await page.locator('#sign-in').isHidden()).toBe(true);
    expect(await page.locator('#identity').getAttribute('data-address')).toBe(address);
    expect((await page.locator('#dice-room-id').innerText()).trim()).toBe(roomId);
    await expect.poll(() => page.locator('#balance').innerText()).toBe(balance);
    const again = await rollDice(page, 1);
    expect(again.verified, again.text).toBe('true');
    await screenshot(page, 'reloaded-in-room');

    // In the lobby, a reload stays signed in and in the lobby.
    await page.click('#leave-dice');
    await page.waitForSelector('#lobby:not([hidden])');
    await page.reload();
    await page.waitForSelector('#lobby:not([hidden])', { timeout: 15_000 });
    expect(await page.locator('#identity').getAttribute('data-address')).toBe(address);
    expect(await page.locator('#dice').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a reload whose room is gone lands in the lobby with a message, still signed in', async () => {
    const { page, address } = await signedInPage(browser, server.url);
    await page.click('#create-raid');
    await page.waitForSelector('#raid:not([hidden])');
    // The tab remembers a room the server no longer has (as after a server restart).
    await page.evaluate(() => sessionStorage.setItem('fairplay.room', JSON.stringify({ game: 'raid', token: 'goneRoom2:nosuchtoken' })));
    await page.reload();
    await page.waitForSelector('#lobby:not([hidden])', { timeout: 15_000 });
    expect(await page.locator('#lobby-message').innerText()).toMatch(/Room goneRoom2 is gone/);
    expect(await page.locator('#identity').getAttribute('data-address')).toBe(address);
    expect(await page.locator('#raid').isHidden()).toBe(true);
  });
});
