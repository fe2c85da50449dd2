/**
 * /verify with a pasted transcript is fully in an attacker's hands: every string in it (room id,
 * game, kind, action, players, results, a void's reason) carries markup here, and none of it may
 * become markup on the page. A script that ran would set `window.__pwned`.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../helpers/browser.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { withServerAndBrowser } from '../helpers/browser-suite.ts';
import { mixedRoom } from '../fairness/room-fixture.ts';

let server: ServerProcess;
let browser: Browser;
withServerAndBrowser({}, (s, b) => ((server = s), (browser = b)));

const EVIL = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

describe('/verify against a hostile pasted transcript', () => {
  it('shows every hostile string as text, and runs none', { timeout: 120_000 }, async () => {
    const { transcript } = await mixedRoom(`room${EVIL}`.slice(0, 120));
    const records = transcript.records.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
    for (const r of records) {
      if (r['type'] === 'receipt') (r['action'] as Record<string, unknown>)['direction'] = EVIL;
      if (r['type'] === 'outcome') (r['result'] as Record<string, unknown>)['note'] = EVIL;
      if (r['type'] === 'void') r['reason'] = EVIL;
    }
    records[0]!['game'] = EVIL;
    records[1]!['kind'] = EVIL;
    (records[2]!['players'] as unknown[] | undefined)?.push(EVIL);
    const page = await (await browser.newContext()).newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/verify`);
    await page.fill('#paste', JSON.stringify({ ...transcript, roomId: EVIL, records }));
    await page.click('#verify');
    await page.locator('#summary[data-ok]').waitFor({ timeout: 60_000 });
    // Open every record's JSON too: what it shows is text.
    await page.locator('#records details.raw').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true, d.dispatchEvent(new Event('toggle')))));
    expect(await page.locator('#summary').getAttribute('data-ok')).toBe('false');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#report img, #report script, #summary img').count()).toBe(0);
    expect(await page.locator('#report').innerText()).toContain('<img src=x onerror=');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
