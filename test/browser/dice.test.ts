/**
 * The browser client in Debian's Chromium against the real server: sign in, play dice with
 * every outcome verified in the page, a proof tampered with on the wire shown as a failure, and
 * /verify on a good and a tampered transcript. Screenshots land in test-results/screenshots.
 */
import { getBytes, Wallet } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, rewriteServerFrames, screenshot } from '../helpers/browser.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { formatChips, parseChips, UNITS_PER_CHIP } from '../../games/chips.ts';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '1000' } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signInAndCreateDice(page: Page): Promise<string> {
  await page.goto(server.url);
  await page.click('#sign-in-local');
  await page.waitForSelector('#lobby:not([hidden])');
  await page.click('#create-dice');
  await page.waitForSelector('#dice:not([hidden])');
  return (await page.locator('#identity').getAttribute('data-address'))!;
}

/** Rolls once with the form's current settings; resolves when the row has its mark. */
async function roll(page: Page, draw: number): Promise<{ verified: boolean; text: string; stake: number; payout: number }> {
  await page.press('#stake', 'Enter');
  const row = page.locator(`#rolls li[data-draw="${draw}"][data-verified]`);
  await row.waitFor({ timeout: 15_000 });
  return {
    verified: (await row.getAttribute('data-verified')) === 'true',
    text: await row.innerText(),
    stake: Number(await row.getAttribute('data-stake')),
    payout: Number(await row.getAttribute('data-payout')),
  };
}

describe('dice in the browser', () => {
  it('signs in, plays, verifies every outcome in the page, and the balance follows', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await screenshot(page, 'sign-in');
    const address = await signInAndCreateDice(page);
    await screenshot(page, 'dice-empty');
    // Before a bet: the multiplier, what a win pays and the profit, in chips, for the stake typed.
    await page.fill('#stake', '1');
    await page.locator('#target').fill('5000');
    await expect.poll(() => page.locator('#odds').innerText()).toBe('win chance 50.00%, multiplier ×1.98, a win pays 1.98 chips (profit 0.98 chips), house edge 1%');
    await page.fill('#stake', '2.5');
    await page.locator('#target').fill('2500');
    await expect.poll(() => page.locator('#odds').innerText()).toBe('win chance 25.00%, multiplier ×3.96, a win pays 9.9 chips (profit 7.4 chips), house edge 1%');
    // The slider's value read in words, and every control of the form has a name.
    expect(await page.locator('#target').getAttribute('aria-valuetext')).toBe('win chance 25 percent: roll under 2500 wins');
    await page.check('input[name=direction][value=over]');
    await page.locator('#target').fill('5099');
    await expect.poll(() => page.locator('#target').getAttribute('aria-valuetext')).toBe('win chance 49 percent: roll over 5099 wins');
    await page.check('input[name=direction][value=under]');
    for (const control of await page.locator('#bet-form input, #bet-form button').all()) {
      expect(await control.evaluate((el) => (el as HTMLInputElement).labels?.length || el.textContent?.trim() || el.getAttribute('aria-label'))).toBeTruthy();
    }
    // Stakes typed in chips, with decimals; the page sends them in units.
    const bets = [
      { stake: '10', target: '5000', direction: 'under' },
      { stake: '25.5', target: '3000', direction: 'over' },
      { stake: '5', target: '9000', direction: 'under' },
      { stake: '0.4', target: '7000', direction: 'over' },
      { stake: '15.25', target: '2500', direction: 'under' },
    ];
    let expected = 1000 * UNITS_PER_CHIP;
    for (const [i, bet] of bets.entries()) {
      await page.fill('#stake', bet.stake);
      await page.locator('#target').fill(bet.target);
      await page.check(`input[name=direction][value=${bet.direction}]`);
      const r = await roll(page, i);
      expect(r.verified, r.text).toBe(true);
      expect(r.text).toMatch(/✓ verified/);
      expect(r.stake).toBe(parseChips(bet.stake));
      // Amounts shown in chips, never in units.
      expect(r.text).toContain(`staked ${bet.stake} chips, draw ${i}`);
      // Read as the player reads it: what was rolled, what was needed, and what came of it.
      expect(r.text).toMatch(new RegExp(`^rolled \\d+ — needed ${bet.direction} \\d+ — (lost|won [\\d.]+ chips) \\(`));
      expect(r.text).toContain(r.payout ? `— won ${formatChips(r.payout)} chips (` : '— lost (');
      // The stage landed on the row's roll, as a win or a loss, verified.
      const rolled = Number(/^rolled (\d+)/.exec(r.text)![1]);
      await expect.poll(() => page.locator('#dice-stage').getAttribute('data-roll')).toBe(String(rolled));
      expect(await page.locator('#dice-stage').getAttribute('class')).toMatch(new RegExp(`\\b${r.payout ? 'win' : 'loss'}\\b.*\\bverified\\b`));
      expect(await page.locator(`#rolls li[data-draw="${i}"]`).getAttribute('class')).toBe(r.payout ? 'win' : 'loss');
      if (i === 0) await screenshot(page, 'dice');
      expected += r.payout - r.stake;
    }
    // The number the stage landed on is the verified outcome record's roll.
    const landed = await getJson<{ records: { type: string; drawSeq?: number; result?: { roll: number } }[] }>(`${server.url}/rooms/${(await page.locator('#dice-room-id').innerText()).trim()}/transcript`);
    const lastRoll = landed.records.find((r) => r.type === 'outcome' && r.drawSeq === bets.length - 1)!.result!.roll;
    expect(await page.locator('#dice-stage .dice-number').textContent()).toBe(String(lastRoll));
    expect(await page.locator('#dice-stage').getAttribute('data-state')).toBe('landed');
    // The slider offers only what the server takes: a 1% to 98% chance, under or over.
    await page.check('input[name=direction][value=under]');
    await page.locator('#target').fill('9900');
    expect(await page.locator('#target').inputValue()).toBe('9800');
    await page.check('input[name=direction][value=over]');
    expect([await page.locator('#target').getAttribute('min'), await page.locator('#target').getAttribute('max')]).toEqual(['199', '9899']);
    await page.locator('#target').fill('100');
    await expect.poll(() => page.locator('#odds').innerText()).toMatch(/^win chance 98\.00%/);
    // Stakes the server refuses are shown as sentences with the published limits, and the table plays on.
    await page.check('input[name=direction][value=under]');
    await page.locator('#target').fill('5000');
    const { maxBet } = (await getJson<{ games: Record<string, { terms: { maxBet: number } }> }>(`${server.url}/fairness`)).games['dice']!.terms;
    for (const [stake, sentence] of [['0', 'The smallest bet is 0.01 chips.'], [String(maxBet + 1), `The largest bet is ${maxBet.toLocaleString('en-US')} chips.`]] as const) {
      await page.fill('#stake', stake);
      // Before the bet, a stake over the limit promises no payout: the odds line names the limit instead.
      if (stake !== '0') await expect.poll(() => page.locator('#odds').innerText()).toBe(`win chance 50.00%, multiplier ×1.98, but the largest bet is ${maxBet.toLocaleString('en-US')} chips, house edge 1%`);
      await page.press('#stake', 'Enter');
      await expect.poll(() => page.locator('#rolls li[data-refused]').first().innerText()).toBe(sentence);
    }
    expect(await page.locator('#rolls').innerText()).not.toMatch(/refused:|expected number/);
    await page.fill('#stake', '1.5');
    const after = await roll(page, bets.length);
    expect(after.verified).toBe(true);
    expected += after.payout - after.stake;
    await expect.poll(() => page.locator('#balance').innerText()).toBe(formatChips(expected));
    expect((await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance).toBe(expected);
    // Every bet was asked for by the page's session key, delegated by the sign-in (protocol v2): no click per bet.
    const roomId = await page.locator('#dice-room-id').innerText();
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
    expect(transcript.format).toBe('fairplay-transcript-v2');
    const receipts = transcript.records.filter((r) => r.type === 'receipt');
    expect(receipts).toHaveLength(bets.length + 1);
    for (const r of receipts) expect(r.authorizations?.[0]?.delegation?.message).toMatch(new RegExp(`^[^\\n]+\\n${address}\\n[^]*\\nResources:\\n- urn:fairplay:session-key:0x[0-9a-fA-F]{40}$`));
    await screenshot(page, 'dice-played');
    await page.click('#leave-dice');
    await page.waitForSelector('#lobby:not([hidden])');
    await screenshot(page, 'lobby');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('rolls with Enter or R from anywhere in the room, but not while the player types in another text field; each result is announced', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await signInAndCreateDice(page);
    await page.fill('#stake', '1');
    // Focus outside the form (on the page itself): Enter rolls.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Enter');
    const first = page.locator('#rolls li[data-draw="0"][data-verified="true"]');
    await first.waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/^Rolled \d+, needed under 5000: (lost|won [\d.,]+ chips)\. Verified\.$/);
    expect(await page.locator('#announcer').textContent()).toContain(`Rolled ${await page.locator('#dice-stage').getAttribute('data-roll')},`);
    // Typing R and Enter into a text field outside the form rolls nothing...
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { id: 'elsewhere', type: 'text', ariaLabel: 'elsewhere' })));
    await page.locator('#elsewhere').focus();
    await page.keyboard.type('r');
    await page.keyboard.press('Enter');
    expect(await page.locator('#elsewhere').inputValue()).toBe('r');
    // ...so the next draw is the one R makes, with the stake typed after it.
    await page.fill('#stake', '2');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('r');
    const second = page.locator('#rolls li[data-draw="1"][data-verified="true"]');
    await second.waitFor({ timeout: 15_000 });
    expect(await second.getAttribute('data-stake')).toBe(String(parseChips('2')));
    expect(await page.locator('#rolls li[data-draw]').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with reduced motion the number does not spin: it shows "…" until it lands on the verified roll; the stage fits a 360 px phone', async () => {
    const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signInAndCreateDice(page);
    // Every number the stage shows during the roll, in order.
    await page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shownNumbers: string[] }).shownNumbers = shown;
      const number = document.querySelector('#dice-stage .dice-number')!;
      new MutationObserver(() => shown.push(number.textContent ?? '')).observe(number, { childList: true, characterData: true, subtree: true });
    });
    const r = await roll(page, 0);
    expect(r.verified, r.text).toBe(true);
    const rolled = /^rolled (\d+)/.exec(r.text)![1]!;
    await expect.poll(() => page.locator('#dice-stage').getAttribute('data-roll')).toBe(rolled);
    expect([...new Set(await page.evaluate(() => (window as unknown as { shownNumbers: string[] }).shownNumbers))]).toEqual(['…', rolled]);
    const stage = (await page.locator('#dice-stage').boundingBox())!;
    expect(stage.x + stage.width).toBeLessThanOrEqual(360);
    await screenshot(page, 'phone-dice', { fullPage: false });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('two players at one table: the page keeps the whole chain of the room (its own draws, and those of the other player as followed records), all verified', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await signInAndCreateDice(page);
    const roomId = (await page.locator('#dice-room-id').innerText()).trim();
    const other = await TestPlayer.join(server.url, { roomId });
    for (let i = 0; i < 3; i++) {
      // Another player's draw (receipt and outcome the page never hears) between each of the page's.
      const { receipt, seed } = await other.bet({ stake: 5 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await other.reveal(receipt.drawSeq, seed);
      const r = await roll(page, 2 * i + 1);
      expect(r.verified, r.text).toBe(true);
    }
    expect(await page.locator('#rolls').innerText()).not.toMatch(/FAILED|not verified/);
    expect(errors).toEqual([]);
    await other.room.leave();
    await page.close();
  });

  it('shows a loud failure when one proof byte is altered on its way to the page', async () => {
    const page = await browser.newPage();
    let tampered = 0;
    // Rewrite the first server frame that carries a proof: one hex digit of every "pi" in it.
    await rewriteServerFrames(page, (frame) => {
      const altered = tampered === 0 ? flipProofDigit(frame) : undefined;
      if (altered) tampered++;
      return altered;
    });
    await signInAndCreateDice(page);
    const first = await roll(page, 0);
    expect(tampered).toBe(1);
    expect(first.verified).toBe(false);
    expect(first.text).toMatch(/✗ FAILED: .*proof/);
    await screenshot(page, 'dice-tampered');
    // Later outcomes, untouched, verify again.
    const second = await roll(page, 1);
    expect(second.verified, second.text).toBe(true);
    await page.close();
  });

  it('/verify: a good transcript verifies, a tampered one names the bad record', async () => {
    const page = await browser.newPage();
    await signInAndCreateDice(page);
    for (let i = 0; i < 4; i++) await roll(page, i);
    const roomId = (await page.locator('#dice-room-id').innerText()).trim();
    const transcript = await getJson<{ records: { type: string; seq: number; result?: { roll: number } }[] }>(`${server.url}/rooms/${roomId}/transcript`);
    await page.goto(`${server.url}/verify`);
    await expect.poll(() => page.locator('#public-key').inputValue()).not.toBe('');
    await page.fill('#paste', JSON.stringify(transcript));
    await page.click('#verify');
    await page.locator('#summary[data-ok]').waitFor();
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('#summary').innerText()).toMatch(/All 8 records verified/);
    await screenshot(page, 'verify-good');

    const bad = structuredClone(transcript);
    const outcome = bad.records.find((r) => r.type === 'outcome')!;
    outcome.result!.roll = (outcome.result!.roll + 1) % 10_000;
    await page.fill('#paste', JSON.stringify(bad));
    await page.click('#verify');
    // The whole transcript and its anchor are checked again: on a busy machine that takes more than poll's default second.
    await expect.poll(() => page.locator('#summary').getAttribute('data-ok'), { timeout: 30_000 }).toBe('false');
    expect(await page.locator(`#records tr[data-seq="${outcome.seq}"]`).getAttribute('data-ok')).toBe('false');
    expect(await page.locator('#problems').innerText()).toMatch(new RegExp(`record ${outcome.seq} \\(outcome`));
    await screenshot(page, 'verify-tampered');
    await page.close();
  });
});

describe('identity and key pinning in the browser', () => {
  it('signs in through an injected EIP-1193 wallet when the page has one', async () => {
    const context = await browser.newContext();
    const wallet = Wallet.createRandom();
    await context.exposeFunction('testWalletSign', (hexMessage: string) => wallet.signMessage(getBytes(hexMessage)));
    await context.addInitScript((address: string) => {
      (window as unknown as { ethereum: unknown }).ethereum = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (method === 'eth_requestAccounts') return [address.toLowerCase()];
          if (method === 'personal_sign') return (window as unknown as { testWalletSign(m: string): Promise<string> }).testWalletSign(params![0] as string);
          throw new Error(`unsupported ${method}`);
        },
      };
    }, wallet.address);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.click('#sign-in-wallet');
    await page.waitForSelector('#lobby:not([hidden])');
    expect(await page.locator('#identity').getAttribute('data-address')).toBe(wallet.address);
    expect(await page.locator('#identity').innerText()).toMatch(/^0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\s+\(wallet\)/);
    expect(await page.locator('#export-key').isHidden()).toBe(true);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    expect((await roll(page, 0)).verified).toBe(true);
    await context.close();
  });

  it('warns when the server shows another key than the one pinned, and checks against the pinned one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    const live = await getJson<{ suite: string; publicKey: string; receiptSigner: string }>(`${server.url}/fairness`);
    // This browser pinned another server key on an earlier visit.
    const other = { ...live, publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' };
    await page.evaluate((pin) => localStorage.setItem('fairplay.pinnedKeys', JSON.stringify(pin)), other);
    await page.reload();
    await page.waitForSelector('#key-warning:not([hidden])');
    expect(await page.locator('#key-warning').innerText()).toMatch(/different VRF key/);
    await page.click('#sign-in-local');
    await page.waitForSelector('#lobby:not([hidden])');
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    const r = await roll(page, 0);
    expect(r.verified).toBe(false);
    expect(r.text).toMatch(/receipt refused, seed kept secret: ✗ FAILED: .*another VRF key/);
    await screenshot(page, 'key-changed');
    await context.close();
  });
});

/** The frame with one hex digit of each `pi` string changed, or undefined if it has none. */
function flipProofDigit(frame: Buffer): Buffer | undefined {
  const key = Buffer.from([0xa2, 0x70, 0x69]); // msgpack: the 2-character string "pi"
  const out = Buffer.from(frame);
  let found = false;
  for (let at = out.indexOf(key); at >= 0; at = out.indexOf(key, at + 1)) {
    const header = out[at + 3]!;
    const start = at + 3 + (header === 0xd9 ? 2 : header === 0xda ? 3 : 1);
    const digit = start + 10; // a digit inside the proof's Gamma
    out[digit] = out[digit] === 0x30 ? 0x31 : 0x30;
    found = true;
  }
  return found ? out : undefined;
}
