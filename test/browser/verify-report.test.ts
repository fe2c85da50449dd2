/**
 * /verify as a readable report, in Debian's Chromium against a real server process: a dice room
 * and a treasure raid played over real WebSockets, then opened with `/verify?room=&draw=`. The
 * room's verdict is one sentence, every record is a row in words with its check, the draw asked
 * for is highlighted with its JSON open, and the dice histogram shows only for the dice room (the
 * raid gets its loot against the published table instead). Tampered transcripts, pasted in (a
 * result changed, a byte of beta changed), fail the room's verdict and say why in words, with the
 * verifier's exact problem kept in a details element. A transcript of the fifth suite,
 * ECVRF-SECP256K1-SHA256-TAI (FAIRNESS.md section 11's example), pasted with its keys, verifies
 * in the browser too, and fails with a byte of its proof changed.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatChips, UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { collectPageErrors, screenshot } from '../helpers/browser.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { buildSecp256k1Example } from '../fairness/worked-example-secp256k1.ts';

let server: ServerProcess;
let browser: Browser;
withServerAndBrowser({ env: { MAX_MESSAGES_PER_SECOND: '200', RAID_ROUND_SECONDS: '60' } }, (s, b) => ((server = s), (browser = b)));

type Loose = Transcript['records'][number] & { result?: Record<string, unknown>; beta?: string };

/** Opens /verify at `path` and waits for the room's verdict. */
async function verdict(page: Page, path: string): Promise<{ ok: string | null; text: string; className: string | null }> {
  await page.goto(`${server.url}${path}`);
  return readVerdict(page);
}

async function readVerdict(page: Page): Promise<{ ok: string | null; text: string; className: string | null }> {
  const summary = page.locator('#summary[data-ok]');
  await summary.waitFor({ timeout: 60_000 });
  return { ok: await summary.getAttribute('data-ok'), text: await summary.innerText(), className: await summary.getAttribute('class') };
}

/** Every record row's words (its first line) and check, in order. */
async function rows(page: Page): Promise<{ seq: string | null; draw: string | null; ok: string | null; words: string; check: string }[]> {
  return page.locator('#records tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      seq: tr.getAttribute('data-seq'),
      draw: tr.getAttribute('data-draw'),
      ok: tr.getAttribute('data-ok'),
      words: tr.querySelector('td.words > span')!.textContent!,
      check: tr.querySelector('td.check > .mark')!.textContent!,
    })),
  );
}

/** Pastes `transcript` into the form and verifies it. */
async function paste(page: Page, transcript: unknown): Promise<{ ok: string | null; text: string; className: string | null }> {
  await page.fill('#paste', JSON.stringify(transcript));
  await page.click('#verify');
  return readVerdict(page);
}

describe('/verify as a readable report', () => {
  it('a dice room: the verdict in a sentence, a row per record in words, the focused draw, the histogram; tampered, why in words', { timeout: 120_000 }, async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    const bets = [
      { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const },
      { stake: 25 * UNITS_PER_CHIP, target: 3000, direction: 'over' as const },
      { stake: 5 * UNITS_PER_CHIP, target: 9000, direction: 'under' as const },
    ];
    for (const bet of bets) {
      const { receipt, seed } = await player.bet(bet);
      await player.reveal(receipt.drawSeq, seed);
    }
    const roomId = player.room.roomId;
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
    const outcomes = transcript.records.filter((r) => r.type === 'outcome') as Loose[];
    expect(outcomes).toHaveLength(3);

    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const good = await verdict(page, `/verify?room=${encodeURIComponent(roomId)}&draw=1`);
    console.log(`verdict: ${good.text}`);
    expect(good.ok).toBe('true');
    expect(good.className).toContain('verified');
    expect(good.text).toMatch(new RegExp(`^✓ All 6 records verified: room ${roomId} had 3 draws, the room is still open`));

    const shown = await rows(page);
    expect(shown.map((r) => r.seq)).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const r of shown) expect(r.check, r.words).toBe('✓ verified');
    bets.forEach((bet, draw) => {
      const outcome = outcomes[draw]!.result as { roll: number; win: boolean; payout: number };
      expect(shown[2 * draw]!.words).toBe(`draw ${draw}, Dice: bet ${formatChips(bet.stake)} chips on a roll ${bet.direction} ${bet.target} (1 player's seed committed)`);
      expect(shown[2 * draw + 1]!.words).toBe(`draw ${draw}, Dice: rolled ${outcome.roll} — needed ${bet.direction} ${bet.target} — ${outcome.win ? `won ${formatChips(outcome.payout)} chips` : 'lost'}`);
    });

    // The draw asked for: its receipt and outcome highlighted, their JSON open, what was checked said in words.
    const focused = page.locator('#records tbody tr[data-focused="true"]');
    expect(await focused.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-draw')))).toEqual(['1', '1']);
    expect(await focused.last().locator('pre.raw-json').innerText()).toContain(outcomes[1]!.beta!);
    expect(await focused.last().locator('.checked').innerText()).toMatch(/the proof holds under the server's published key/);
    expect(await page.locator('#focus-note').innerText()).toBe('Showing draw 1: 2 records, all verified. It is highlighted below.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-draw'))).toBe('1');
    // Dice rolls: the histogram fits.
    expect(await page.locator('#distribution-dice-roll').isVisible()).toBe(true);
    expect(await page.locator('#distribution-dice-roll .histogram > span:first-child').innerText()).toBe('0–999, 10%');
    expect(await page.locator('#distribution-raid-loot').count()).toBe(0);
    expect(await page.locator('#distribution-dice-roll .note').innerText()).toMatch(/^3 rolls; .* 9 degrees of freedom: above 21\.7 happens by chance 1% of the time/);
    await screenshot(page, 'verify-report-dice');

    // A result changed: the room fails, the row says why in words, the exact problem kept in its details.
    const changed = structuredClone(transcript);
    const outcome = changed.records.find((r) => r.type === 'outcome' && r.drawSeq === 1) as Loose;
    (outcome.result as { roll: number }).roll = ((outcome.result as { roll: number }).roll + 1) % 10_000;
    const bad = await paste(page, changed);
    console.log(`tampered verdict: ${bad.text}`);
    expect(bad.ok).toBe('false');
    expect(bad.className).toContain('failed');
    expect(bad.text).toBe(`✗ 1 of 6 records of room ${roomId} failed: see why below.`);
    const row = page.locator(`#records tbody tr[data-seq="${outcome.seq}"]`);
    expect(await row.getAttribute('data-ok')).toBe('false');
    const why = await row.locator('.why').innerText();
    console.log(`why: ${why}`);
    expect(why).toMatch(/^Why it failed: /);
    expect(why).toContain("The result written down is not what the game's published rules give for the draw's random number.");
    expect(why).not.toMatch(/[0-9a-f]{16}|beta|pinned/);
    expect(await row.locator('details.technical').textContent()).toContain('result differs from the one computed from beta');
    expect(await page.locator('#problems').innerText()).toContain(`record ${outcome.seq} (outcome of draw 1): `);
    expect(await row.getAttribute('data-focused')).toBe('true');
    expect((await rows(page)).filter((r) => r.ok === 'false').map((r) => r.seq)).toEqual([String(outcome.seq)]);
    await screenshot(page, 'verify-report-tampered');

    // A byte of beta changed.
    const flipped = structuredClone(transcript);
    const other = flipped.records.find((r) => r.type === 'outcome' && r.drawSeq === 2) as Loose;
    other.beta = `${other.beta![0] === '0' ? '1' : '0'}${other.beta!.slice(1)}`;
    expect((await paste(page, flipped)).ok).toBe('false');
    const betaWhy = await page.locator(`#records tbody tr[data-seq="${other.seq}"] .why`).innerText();
    console.log(`why (beta): ${betaWhy}`);
    expect(betaWhy).toContain('The random number written down is not the one the proof gives.');
    expect(await page.locator(`#records tbody tr[data-seq="${other.seq}"] details.technical`).textContent()).toContain('beta differs from the proof output');

    // A long room: its records repeated to 2,000 (each copy past the first breaks the chain, so
    // every row is a failed one, the most to draw). A figure, printed, not a bound.
    const long = { ...transcript, records: Array.from({ length: 2000 }, (_, i) => transcript.records[i % transcript.records.length]) };
    expect((await paste(page, long)).ok).toBe('false');
    expect(await page.locator('#records tbody tr').count()).toBe(2000);
    const summary = page.locator('#summary');
    console.log(`2,000 records (1,994 failed): checked in ${await summary.getAttribute('data-ms')} ms, the report drawn in ${await summary.getAttribute('data-render-ms')} ms (rows built in ${await summary.getAttribute('data-rows-ms')} ms)`);
    expect(errors).toEqual([]);
    await page.close();
    await player.room.leave();
  });

  it('a treasure raid: rows in the raid\'s words, no dice histogram, the loot against the published table', { timeout: 120_000 }, async () => {
    const a = await Raider.join(server.url);
    const b = await Raider.join(server.url, a.room.roomId);
    await a.until('the chests placed', () => a.state.phase === 'playing' && a.state.chests.length > 0);
    const me = a.me()!;
    const chest = [...a.state.chests].sort((p, q) => Math.hypot(p.x - me.x, p.y - me.y) - Math.hypot(q.x - me.x, q.y - me.y))[0]!;
    await a.walkTo(chest.x, chest.y);
    await a.open(chest.id);
    const loot = await a.until('the loot', () => a.messages.find((m) => m.type === 'outcome' && m.body.record.result.item)?.body);
    const lootDraw = loot.record.drawSeq as number;
    const roomId = a.room.roomId;

    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const good = await verdict(page, `/verify?room=${encodeURIComponent(roomId)}&draw=${lootDraw}`);
    console.log(`verdict: ${good.text}`);
    expect(good.ok).toBe('true');
    expect(good.text).toMatch(new RegExp(`^✓ All \\d+ records verified: room ${roomId} had \\d+ draws, the room is still open`));
    const shown = await rows(page);
    for (const r of shown) expect(r.check, r.words).toBe('✓ verified');
    expect(shown.map((r) => r.words)).toContainEqual(expect.stringMatching(/^draw 0, Treasure raid: 6 chests placed at \(\d+, \d+\)(, \(\d+, \d+\)){5}$/));
    const result = loot.record.result as { item: string; amount: number; rarity: string };
    const found = result.item === 'chips' ? `${result.amount} bonus chips` : `${result.amount} ${result.item} (${result.rarity})`;
    expect(shown.filter((r) => r.draw === String(lootDraw)).map((r) => r.words)).toEqual([
      `draw ${lootDraw}, Treasure raid: open chest ${chest.id} of round ${a.state.round} (1 player's seed committed)`,
      `draw ${lootDraw}, Treasure raid: found ${found}`,
    ]);
    expect(await page.locator('#records tbody tr[data-focused="true"]').count()).toBe(2);
    // No dice histogram for a raid, not even an empty one; the loot against the table instead.
    expect(await page.locator('#distribution-dice-roll').count()).toBe(0);
    expect(await page.locator('#distributions > *').count()).toBe(1);
    expect(await page.locator('#distribution-raid-loot').isVisible()).toBe(true);
    expect(await page.locator('#distribution-raid-loot .note').innerText()).toMatch(/^1 chest opened; /);
    await screenshot(page, 'verify-report-raid');
    // On a phone: the verdict first, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 361).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
    );
    expect(wide, 'elements wider than a 360 px screen').toEqual([]);
    expect(await page.locator('#summary').evaluate((h) => h.getBoundingClientRect().top)).toBeLessThan(200);
    await screenshot(page, 'verify-report-raid-phone', { fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
    await Promise.all([a.room.leave(), b.room.leave()]);
  });

  it('a transcript of ECVRF-SECP256K1-SHA256-TAI, pasted with its keys: verified; a byte of pi changed, failed', { timeout: 120_000 }, async () => {
    const example = await buildSecp256k1Example();
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/verify`);
    // The server's own keys are filled in first; then the example's replace them (no chain: it was never anchored).
    await page.locator('#key-source', { hasText: 'filled in from' }).waitFor();
    await page.selectOption('#suite', example.keys.suite);
    await page.fill('#public-key', example.keys.publicKey);
    await page.fill('#receipt-signer', example.keys.receiptSigner);
    await page.fill('#rpc-url', '');
    await page.fill('#registry', '');
    const good = await paste(page, example.transcript);
    console.log(`verdict (${example.keys.suite}): ${good.text}`);
    expect(good.ok).toBe('true');
    expect(good.text).toMatch(/^✓ All 3 records verified: room worked-secp256k1-dice had 1 draw/);
    for (const r of await rows(page)) expect(r.check, r.words).toBe('✓ verified');

    const flipped = structuredClone(example.transcript);
    const outcome = flipped.records.find((r) => r.type === 'outcome') as Loose & { pi: string };
    outcome.pi = `${outcome.pi.slice(0, 100)}${outcome.pi[100] === '0' ? '1' : '0'}${outcome.pi.slice(101)}`;
    expect((await paste(page, flipped)).ok).toBe('false');
    const technical = await page.locator(`#records tbody tr[data-seq="${outcome.seq}"] details.technical`).textContent();
    console.log(`why (pi): ${technical}`);
    expect(technical).toMatch(/proof: /);
    expect(errors).toEqual([]);
    await page.close();
  });
});
