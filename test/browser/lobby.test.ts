/**
 * The lobby keeps itself fresh against the real server: a room someone opens shows up without a
 * click, a room whose players all dropped away leaves the list (though the server holds their
 * seats for the 20 s reconnection grace), and a listed room whose Join fails drops out with a
 * message.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signedInPage } from '../helpers/browser.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

/** Colyseus close code MAY_TRY_RECONNECT: a drop, not a goodbye; the server holds the seat. */
const DROPPED = 4010;
/** The seat of a dropped player is held this long; the lobby must drop the room well before. */
const GRACE_SECONDS = 60;

let server: ServerProcess;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the lobby', () => {
  it('shows a new room without a click, and drops a room its players dropped out of before their grace ends', async () => {
    const { page, errors } = await signedInPage(browser, server.url);
    const host = await Raider.join(server.url);
    const row = page.locator(`#raid-rooms tr[data-room-id="${host.room.roomId}"]`);
    await row.waitFor({ timeout: 6_000 });
    expect(await row.innerText()).toMatch(/1\/8/);
    await screenshot(page, 'lobby-listed');

    // The host's connection drops: the room keeps the seat for the grace period, but nobody is in it.
    host.room.reconnection.enabled = false;
    host.room.connection.close(DROPPED);
    // Dropped from the list while the seat is still held (half the grace: a bound, not a speed claim).
    await row.waitFor({ state: 'detached', timeout: (GRACE_SECONDS / 2) * 1000 });
    expect(errors).toEqual([]);
  });

  it('a listed room whose Join fails leaves the list, with a message', async () => {
    const { page } = await signedInPage(browser, server.url);
    // A listing that still names a room the server no longer has.
    await page.route('**/rooms?game=raid', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: [...((await response.json()) as unknown[]), { roomId: 'goneRoom1', clients: 1, connected: 1, maxClients: 8 }] });
    });
    await page.click('#refresh-rooms');
    const row = page.locator('#raid-rooms tr[data-room-id="goneRoom1"]');
    await row.locator('button').click();
    await expect.poll(() => page.locator('#lobby-message').innerText(), { timeout: 10_000 }).toMatch(/Room goneRoom1 could not be joined .*no longer listed/);
    expect(await page.getByRole('status').filter({ hasText: 'goneRoom1' }).isVisible()).toBe(true);
    await row.waitFor({ state: 'detached' });
    // Later listings (which still name it) do not bring it back: two more refreshes come and go.
    for (let i = 0; i < 2; i++) await page.waitForResponse((r) => r.url().endsWith('/rooms?game=raid'));
    expect(await row.count()).toBe(0);
    await screenshot(page, 'lobby-join-failed');
  });
});
