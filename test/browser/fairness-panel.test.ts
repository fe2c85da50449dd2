/**
 * The fairness panel in Debian's Chromium against the real server: a dice bet's panel opened from
 * its row, every value it shows held to the records of the room's transcript fetched here (the
 * seed, its commitment recomputed with Node's SHA-256, the signer, alpha, pi, beta, the result),
 * every check it marks holding, keyboard use (focus in, Escape out, focus back on the row); a
 * seed phrase set in the page and the revealed seed equal to its derivation computed here; the
 * history after a reload, newest first, paged, opening its panel; a blackjack hand's panel and a
 * raid chest draw's.
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { rollDice, screenshot, signedInPage, standHand } from '../helpers/browser.ts';
import { getJson } from '../helpers/player.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import type { OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';

let server: ServerProcess;
let browser: Browser;

withServerAndBrowser({}, (s, b) => ((server = s), (browser = b)));

type Records = { records: (ReceiptRecord | OutcomeRecord | { type: 'move' | 'void' | 'close'; drawSeq: number })[] };

async function drawRecords(roomId: string, drawSeq: number): Promise<{ receipt: ReceiptRecord; outcome: OutcomeRecord }> {
  const t = await getJson<Records>(`${server.url}/rooms/${roomId}/transcript`);
  const receipt = t.records.find((r): r is ReceiptRecord => r.type === 'receipt' && r.drawSeq === drawSeq);
  const outcome = t.records.find((r): r is OutcomeRecord => r.type === 'outcome' && r.drawSeq === drawSeq);
  if (!receipt || !outcome) throw new Error(`room ${roomId} has no settled draw ${drawSeq}`);
  return { receipt, outcome };
}

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const field = (b: Buffer) => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255]), b]);
/** Seed `i` of a phrase, as seed-source.ts documents it, computed here apart from the page's code. */
function phraseSeed(phrase: string, i: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(i));
  const key = pbkdf2Sync(Buffer.from(phrase.normalize('NFC')), 'fairplay-seed-phrase-v2', 200_000, 32, 'sha256');
  return sha256(field(Buffer.from('fairplay-seed-phrase-v2')), field(key), counter);
}

/** Opens the panel from a row and waits for its checks; resolves with every line: step -> value and check. */
async function openPanel(page: Page, row: string): Promise<Map<string, { value: string; check: string; label: string }>> {
  await page.click(row);
  const panel = page.locator('#fairness-panel[open][data-ready]');
  await panel.waitFor({ timeout: 20_000 });
  const lines = await page.$$eval('#fairness-panel .panel-line', (nodes) =>
    nodes.map((n) => ({ step: (n as HTMLElement).dataset['step']!, check: (n as HTMLElement).dataset['check']!, label: n.querySelector('strong')!.textContent!, value: n.querySelector('.value')!.textContent! })),
  );
  return new Map(lines.map((l) => [l.step, l]));
}

describe('the fairness panel', () => {
  it('shows a dice bet step by step, every value the transcript holds, every check holding; a seed phrase; the history after a reload', { timeout: 180_000 }, async () => {
    const { page, address, errors } = await signedInPage(browser, server.url);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    const roomId = (await page.locator('#dice-room-id').innerText()).trim();
    await page.fill('#stake', '2');
    expect((await rollDice(page, 0)).verified).toBe('true');

    const lines = await openPanel(page, '#rolls li[data-draw="0"]');
    expect(await page.locator('#fairness-panel').getAttribute('data-ready')).toBe('ok');
    const { receipt, outcome } = await drawRecords(roomId, 0);
    const fairness = await getJson<{ publicKey: string; receiptSigner: string; suite: string }>(`${server.url}/fairness`);
    const seed = outcome.seeds[0]!;
    expect(lines.get('seed')?.value).toBe(seed);
    expect(lines.get('commitment')).toMatchObject({ value: sha256(Buffer.from('fairplay-seed-v1'), Buffer.from(seed, 'hex')), check: 'true' });
    expect(lines.get('commitment')?.value).toBe(receipt.commitments[0]);
    expect(lines.get('source')?.value).toMatch(/random bytes from this browser/);
    expect(lines.get('signer')).toMatchObject({ check: 'true' });
    expect(lines.get('signer')?.value.toLowerCase()).toBe(fairness.receiptSigner.toLowerCase());
    expect(lines.get('alpha')).toEqual(expect.objectContaining({ value: outcome.alpha, check: 'true' }));
    expect(lines.get('pi')?.value).toBe(outcome.pi);
    expect(lines.get('proof')).toMatchObject({ value: 'valid', check: 'true' });
    expect(lines.get('beta')).toMatchObject({ value: outcome.beta, check: 'true' });
    // The mapping: beta's first bytes, the roll, the verdict, in words, ending in the recorded result.
    const { roll, win } = outcome.result as { roll: number; win: boolean };
    const { direction, target } = receipt.action as { direction: string; target: number };
    expect(lines.get('step-1')?.value).toMatch(new RegExp(`^beta byte 0 to byte 1: ${outcome.beta.slice(0, 2)} ${outcome.beta.slice(2, 4)} = ${parseInt(outcome.beta.slice(0, 4), 16)}, its low 14 bits`));
    expect(lines.get('result')).toMatchObject({ check: 'true' });
    expect(lines.get('result')?.value).toMatch(new RegExp(`^rolled ${roll} — needed ${direction} ${target} — ${win ? 'won [\\d.]+ chips' : 'lost'}$`));
    expect(lines.get('hash')).toMatchObject({ check: 'true' });
    // The transcript fetched for the panel is the one the room played: the outcome heard live has its hash.
    expect(lines.get('room')).toMatchObject({ check: 'true' });
    expect(lines.get('heard-end')).toMatchObject({ value: (outcome as OutcomeRecord & { hash: string }).hash, check: 'true' });
    expect(lines.get('anchor')?.value).toMatch(/^(not yet|yes)/);
    // No line claims a check that failed.
    expect([...lines.values()].filter((l) => l.check === 'false')).toEqual([]);
    // Verify it yourself: the CLI with the pinned keys, and /verify on this draw.
    const cli = await page.locator('#fairness-panel-cli').innerText();
    expect(cli).toContain(`npx tsx vrf/cli.ts verify-transcript fairplay-${roomId}.json --pk ${fairness.publicKey} --signer ${fairness.receiptSigner}`);
    expect(cli).toContain(`npx tsx vrf/cli.ts verify --suite ${fairness.suite} --pk ${fairness.publicKey} --alpha ${outcome.alpha} --proof ${outcome.pi}`);
    expect(await page.locator('#fairness-panel-verify-link').getAttribute('href')).toBe(`/verify?room=${roomId}&draw=0`);
    await screenshot(page, 'fairness-panel-dice');
    // Keyboard: focus is in the dialog; Escape closes it and focus is back on the row.
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#fairness-panel')))).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#fairness-panel[open]').waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
    expect(await page.locator('#fairness-panel').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['draw'])).toBe('0');
    // Enter on the focused row opens it again.
    await page.keyboard.press('Enter');
    await page.locator('#fairness-panel[open][data-ready]').waitFor({ timeout: 20_000 });
    await page.click('#fairness-panel-close');

    // A seed phrase of the player's own: the next seed revealed is seed 0 of the phrase.
    const phrase = `correct horse battery staple ${Date.now()}`;
    await page.click('#seed-source-summary');
    await page.check('#seed-kind-phrase');
    await expect.poll(() => page.locator('#seed-phrase-warning').innerText()).toMatch(/anyone who can guess your phrase/);
    await page.fill('#seed-phrase', 'too short');
    await page.click('#seed-source-save');
    await expect.poll(() => page.locator('#seed-source-status').innerText()).toMatch(/at least 12 characters/);
    await page.fill('#seed-phrase', phrase);
    expect(await page.locator('#seed-counter').inputValue()).toBe('0');
    // The next number can be set (after clearing site data, say): the seed revealed is that one.
    await page.fill('#seed-counter', '3');
    await page.click('#seed-source-save');
    await expect.poll(() => page.locator('#seed-source-summary').innerText()).toMatch(/next is number 3$/);
    await page.focus('#stake');
    expect((await rollDice(page, 1)).verified).toBe('true');
    const second = await drawRecords(roomId, 1);
    expect(second.outcome.seeds[0]).toBe(phraseSeed(phrase, 3));
    const phraseLines = await openPanel(page, '#rolls li[data-draw="1"]');
    expect(phraseLines.get('source')).toMatchObject({ check: 'true' });
    expect(phraseLines.get('source')?.value).toMatch(/your seed phrase \(fingerprint [0-9a-f]{8}\), seed number 3, recomputed from the phrase/);
    // The phrase is not kept in the page's storage (only its stretched key), nor shown on it.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(phrase);
    expect(await page.locator('#seed-phrase').getAttribute('type')).toBe('password');
    await page.click('#fairness-panel-close');

    await expect.poll(() => page.locator('#seed-source-summary').innerText()).toMatch(/next is number 4$/);
    // Nine more bets: the history's pages hold ten.
    for (let draw = 2; draw <= 10; draw++) expect((await rollDice(page, draw)).verified).toBe('true');

    // The history, after a reload: newest first, in words, ten a page, each row opening its panel.
    expect((await fetch(`${server.url}/players/${address}/draws?order=up`)).status).toBe(400);
    await page.reload();
    await page.waitForSelector('#dice:not([hidden])');
    await page.click('#history-details > summary');
    const rows = page.locator('#history-list li[data-draw]');
    const listed = () => rows.evaluateAll((lis) => lis.map((li) => `${(li as HTMLElement).dataset['room']}/${(li as HTMLElement).dataset['draw']}`));
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(10);
    expect(await listed()).toEqual(Array.from({ length: 10 }, (_, i) => `${roomId}/${10 - i}`));
    await page.click('#history-older');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(11);
    expect((await listed()).at(-1)).toBe(`${roomId}/0`);
    expect(await page.locator('#history-older').isHidden()).toBe(true);
    const words = await rows.nth(10).innerText();
    expect(words).toMatch(/^dice roll · /);
    expect(words).toContain(`rolled ${roll} — needed ${direction} ${target} — ${win ? 'won' : 'lost'}`);
    await expect.poll(() => page.locator('#history-status').innerText()).toBe('11 draws shown, all there are.');
    const fromHistory = await openPanel(page, '#history-list li[data-draw="0"]');
    expect(fromHistory.get('seed')?.value).toBe(seed);
    expect(fromHistory.get('result')).toMatchObject({ check: 'true' });
    // After the reload the page did not hear draw 0 played: it says its checks rest on the transcript served now.
    expect(fromHistory.get('heard')).toMatchObject({ check: 'none' });
    expect(await page.locator('#fairness-panel-status').innerText()).toMatch(/did not see the draw played/);
    await screenshot(page, 'fairness-history');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("opens a blackjack hand's panel: the deck from beta, the deal, the moves, the dealer, the result", { timeout: 120_000 }, async () => {
    const { page, errors } = await signedInPage(browser, server.url);
    await page.click('#create-blackjack');
    await page.waitForSelector('#blackjack:not([hidden])');
    const roomId = (await page.locator('#blackjack-room-id').innerText()).trim();
    await standHand(page, 0);
    const lines = await openPanel(page, '[data-bj="hands"] li[data-draw="0"]');
    const { outcome } = await drawRecords(roomId, 0);
    const result = outcome.result as { deck: number[]; playerTotal: number; dealerTotal: number };
    expect(lines.get('beta')).toMatchObject({ value: outcome.beta, check: 'true' });
    expect(lines.get('result')).toMatchObject({ check: 'true' });
    expect(lines.get('result')?.value).toMatch(new RegExp(`^you ${result.playerTotal} \\(.+\\), dealer ${result.dealerTotal} \\(.+\\) — `));
    expect([...lines.values()].some((l) => /the deck, shuffled/.test(l.label) && l.value.split(' ').length === 52)).toBe(true);
    expect([...lines.values()].filter((l) => l.check === 'false')).toEqual([]);
    await screenshot(page, 'fairness-panel-blackjack');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("opens a raid chest draw's panel: each chest's tile from beta's bytes, the result as recorded", { timeout: 120_000 }, async () => {
    const { page, errors } = await signedInPage(browser, server.url);
    await page.click('#create-raid');
    await page.waitForSelector('#raid:not([hidden])');
    const roomId = (await page.locator('#raid-room-id').innerText()).trim();
    const row = '#raid-log li[data-kind="chests"][data-verified="true"]';
    await page.locator(row).first().waitFor({ timeout: 30_000 });
    const drawSeq = Number(await page.locator(row).first().getAttribute('data-draw'));
    const lines = await openPanel(page, `${row}[data-draw="${drawSeq}"]`);
    const { receipt, outcome } = await drawRecords(roomId, drawSeq);
    const tiles = (outcome.result as { tiles: [number, number][] }).tiles;
    expect(lines.get('seed')?.value).toBe(outcome.seeds[0]);
    expect(lines.get('commitment')).toMatchObject({ value: receipt.commitments[0], check: 'true' });
    expect(lines.get('beta')).toMatchObject({ value: outcome.beta, check: 'true' });
    const chestSteps = [...lines.values()].filter((l) => /^chest \d+: one of the \d+ tiles left$/.test(l.label));
    expect(chestSteps.map((l) => /at \((\d+), (\d+)\)/.exec(l.value)!.slice(1).map(Number))).toEqual(tiles);
    expect(lines.get('result')).toMatchObject({ check: 'true' });
    expect([...lines.values()].filter((l) => l.check === 'false')).toEqual([]);
    await screenshot(page, 'fairness-panel-raid');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
