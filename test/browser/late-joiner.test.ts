/**
 * A page that joins a treasure raid after the round's chest receipt (its outcome still to come)
 * verifies that draw from the room's transcript and says so; nothing shows FAILED in either
 * page. A Node raider holds its seed back so the draw stays open while the late page joins.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, screenshot } from '../helpers/browser.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '100', RAID_ROUND_SECONDS: '120' } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors = collectPageErrors(page);
  await page.goto(server.url);
  await page.click('#sign-in-local');
  await page.waitForSelector('#lobby:not([hidden])');
  return { page, errors };
}

describe('a late joiner in a treasure raid', () => {
  it("verifies the draw whose receipt came before it joined, from the room's transcript: no FAILED anywhere", async () => {
    const a = await signedIn();
    await a.page.click('#create-raid');
    await a.page.waitForSelector('#raid:not([hidden])');
    const roomId = (await a.page.locator('#raid-room-id').innerText()).trim();
    // The raider joins within the round's 2 s countdown, so the chest draw takes its seed too,
    // and keeps the seed back: the draw waits for it (up to 10 s).
    const raider = await Raider.join(server.url, roomId);
    const held: { drawSeq: number; players: string[]; commitments: string[] }[] = [];
    raider.reveal = (receipt) => void held.push(receipt);
    const receipt = await raider.until('the chest receipt', () => held[0]);
    expect(receipt.players).toHaveLength(2);

    const b = await signedIn();
    await b.page.click('#refresh-rooms');
    // The late page starts its chain from the room's transcript, which holds the chest receipt.
    const transcript = b.page.waitForResponse((r) => r.url().includes(`/rooms/${roomId}/transcript`));
    await b.page.locator(`#raid-rooms tr[data-room-id="${roomId}"] button`).click();
    await b.page.waitForSelector('#raid:not([hidden])');
    await transcript;
    Raider.prototype.reveal.call(raider, receipt);

    const late = b.page.locator('#raid-log li[data-kind="chests"]');
    await late.first().waitFor({ timeout: 10_000 });
    expect(await late.first().innerText()).toMatch(
      /round 1: chests placed by 2 players' seeds \(joined after this draw's receipt: verified from the transcript\) ✓ verified/,
    );
    const early = a.page.locator('#raid-log li[data-kind="chests"]');
    await early.first().waitFor({ timeout: 10_000 });
    expect(await early.first().innerText()).toMatch(/round 1: chests placed by 2 players' seeds ✓ verified/);
    await screenshot(b.page, 'raid-late-joiner');
    for (const p of [a.page, b.page]) expect(await p.locator('body').innerText()).not.toMatch(/FAILED/);
    expect([...a.errors, ...b.errors]).toEqual([]);
    await raider.room.leave();
  });
});
