/**
 * /verify shows each transcript's anchor status against the FairnessRegistry on the server's
 * embedded chain: "anchored at block N" for a room whose head an anchor holds, "not yet anchored:
 * last anchor T s ago" for a fresh room, and a FAILED line naming the problem for an anchored
 * transcript cut short; and every receipt is checked against the registry's entries in force at
 * its issue: against a registry whose entries came later, each receipt fails. Once the room moved
 * on and a newer anchor holds it further, the earlier transcript with its earlier anchor (an
 * operator's cut-back) fails as superseded by that anchor, read through the server's /anchors.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { launchChromium, screenshot } from '../helpers/browser.ts';
import { lateRegistry } from '../helpers/late-registry.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { ANCHOR_PERIOD_MS: '1000' } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type Transcript = { records: { seq: number }[]; anchor: { index: number; blockNumber: number; leaf: { lastSeq: number } } | null; lastAnchorAt: number | null };

/** The anchor line /verify shows for `url` (a ?room= link, or the page with a pasted transcript verified). */
async function anchorLine(page: Page): Promise<{ kind: string | null; text: string }> {
  const line = page.locator('#anchor-status[data-kind]');
  await line.waitFor({ timeout: 30_000 });
  return { kind: await line.getAttribute('data-kind'), text: await line.innerText() };
}

/** The newer-anchors line under it. */
async function newerLine(page: Page): Promise<{ kind: string | null; text: string }> {
  const line = page.locator('#newer-anchors');
  return { kind: await line.getAttribute('data-kind'), text: await line.innerText() };
}

describe('/verify and the anchors', () => {
  // Its bound: the anchor wait (150 s) and the page's waits.
  it('shows an anchored room as anchored at its block, a fresh one as not yet anchored, a cut transcript as FAILED, and receipts against a registry whose entries came later as failed', { timeout: 300_000 }, async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    for (let i = 0; i < 2; i++) {
      const { receipt, seed } = await player.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await player.reveal(receipt.drawSeq, seed);
    }
    const roomId = player.room.roomId;
    const anchored = await waitFor(
      async () => {
        const t = await getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
        return t.anchor && t.anchor.leaf.lastSeq === t.records.length - 1 ? t : undefined;
      },
      { what: `an anchor holding room ${roomId}'s head`, timeout: 150_000, interval: 250 },
    );
    console.log(`room ${roomId} anchored in anchor ${anchored.anchor!.index}, block ${anchored.anchor!.blockNumber}, up to record ${anchored.anchor!.leaf.lastSeq}`);

    const page = await browser.newPage();
    await page.goto(`${server.url}/verify?room=${roomId}`);
    const good = await anchorLine(page);
    expect(good.kind).toBe('anchored');
    expect(good.text).toMatch(new RegExp(`anchored at block ${anchored.anchor!.blockNumber} \\(anchor ${anchored.anchor!.index} of \\d+, \\d+ s ago\\)`));
    expect(await newerLine(page)).toMatchObject({ kind: 'clear', text: expect.stringMatching(/^(no newer anchor on chain|newer anchors? .* checked: none holds a later head of this room)/) });
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('true');
    await screenshot(page, 'verify-anchored');

    // The same transcript cut before its anchored head.
    const cut = { ...anchored, records: anchored.records.slice(0, anchored.anchor!.leaf.lastSeq) };
    await page.fill('#paste', JSON.stringify(cut));
    await page.evaluate(() => document.getElementById('anchor-status')!.removeAttribute('data-kind'));
    await page.click('#verify');
    const failed = await anchorLine(page);
    expect(failed.kind).toBe('failed');
    expect(failed.text).toMatch(/anchor check FAILED: truncated: record \d+ was anchored/);
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('false');
    await screenshot(page, 'verify-anchor-failed');

    // Another registry, whose entries came into force only after these receipts were issued: every receipt fails against it.
    const late = await lateRegistry(server);
    await page.fill('#paste', JSON.stringify(anchored));
    await page.fill('#registry', late);
    await page.evaluate(() => document.getElementById('anchor-status')!.removeAttribute('data-kind'));
    await page.click('#verify');
    await anchorLine(page);
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('false');
    const receiptRow = page.locator('#records tbody tr[data-seq="0"]');
    expect(await receiptRow.getAttribute('data-ok')).toBe('false');
    expect(await receiptRow.textContent()).toMatch(/receipt signer 0x[0-9a-f]{40} is not in force on chain at .*registered to apply from/);
    expect(await receiptRow.locator('.why').innerText()).toContain('was not the one registered on chain when it was issued');
    await screenshot(page, 'verify-registry-failed');

    // A fresh room: no records, no anchor yet.
    const fresh = await TestPlayer.join(server.url, { create: true });
    await page.goto(`${server.url}/verify?room=${fresh.room.roomId}`);
    const waiting = await anchorLine(page);
    expect(waiting.kind).toBe('not-anchored');
    expect(waiting.text).toMatch(/^not yet anchored: last anchor \d+ s ago$/);

    // The room moves on and a newer anchor holds it; the earlier transcript, with its earlier anchor, is a cut-back.
    const { receipt, seed } = await player.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    await player.reveal(receipt.drawSeq, seed);
    const later = await waitFor(
      async () => {
        const t = await getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
        return t.anchor && t.anchor.leaf.lastSeq === t.records.length - 1 && t.anchor.index > anchored.anchor!.index ? t : undefined;
      },
      { what: `a newer anchor holding room ${roomId}'s head`, timeout: 150_000, interval: 250 },
    );
    await page.goto(`${server.url}/verify?room=${roomId}`);
    expect((await anchorLine(page)).kind).toBe('anchored');
    await page.fill('#paste', JSON.stringify(anchored));
    await page.evaluate(() => document.getElementById('anchor-status')!.removeAttribute('data-kind'));
    await page.click('#verify');
    const superseded = await anchorLine(page);
    expect(superseded.kind).toBe('failed');
    expect(superseded.text).toContain(`superseded: anchor ${later.anchor!.index} commits this room at record ${later.anchor!.leaf.lastSeq}, and the transcript ends at record ${anchored.anchor!.leaf.lastSeq}`);
    const newer = await newerLine(page);
    expect(newer.kind).toBe('superseded');
    // Pasted, not served: what this tab saw of the room before is a warning.
    expect(newer.text).toContain(`this tab verified anchor ${later.anchor!.index} of this room`);
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('false');
    await screenshot(page, 'verify-anchor-superseded');
    await page.close();
    await Promise.all([player.room.leave(), fresh.room.leave()]);
  });
});
