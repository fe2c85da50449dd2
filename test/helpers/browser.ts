/**
 * Debian's Chromium driven by playwright-core, for the browser tests. `.ci/run` installs it with
 * apt-get; `npx playwright install` cannot work here. Screenshots go to test-results/screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** `fullPage: false` for emulated phones: a full-page capture re-lays the page out at another size. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Page errors and console errors, so a test can show what broke in the page. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** A fresh browser context (its own storage) signed in with a browser key, in the lobby. */
export async function signedInPage(browser: Browser, url: string, opts: { tracked?: boolean } = {}): Promise<{ page: Page; address: string; errors: string[] }> {
  const context = await browser.newContext();
  if (opts.tracked) await trackSockets(context);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(url);
  await page.click('#sign-in-local');
  await page.waitForSelector('#lobby:not([hidden])');
  return { page, address: (await page.locator('#identity').getAttribute('data-address'))!, errors };
}

/** Rolls once at the dice table with the form as it is; resolves with the row of draw `draw` once it has its mark. */
export async function rollDice(page: Page, draw: number): Promise<{ verified: string | null; text: string }> {
  await page.press('#stake', 'Enter');
  const row = page.locator(`#rolls li[data-draw="${draw}"][data-verified]`);
  await row.waitFor({ timeout: 15_000 });
  return { verified: await row.getAttribute('data-verified'), text: await row.innerText() };
}

/** Keeps every WebSocket the context's pages open, so a test can cut them (see `dropSockets`). */
export async function trackSockets(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const sockets: WebSocket[] = [];
    (window as unknown as { testSockets: WebSocket[] }).testSockets = sockets;
    window.WebSocket = class extends window.WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
}

/**
 * Cuts the page's open sockets as a lost network would look to the server: a close that is not
 * a goodbye (4010, "may try to reconnect"), so the room holds the seat for the grace period.
 */
export async function dropSockets(page: Page): Promise<number> {
  return page.evaluate(() => {
    const open = (window as unknown as { testSockets: WebSocket[] }).testSockets.filter((s) => s.readyState === WebSocket.OPEN);
    open.forEach((s) => s.close(4010, 'test: network lost'));
    return open.length;
  });
}

/**
 * Passes the page's WebSocket frames through `rewrite` on their way from the server: it returns
 * the frame to deliver instead, or undefined to deliver it as it is. A routed WebSocket reports a
 * protocols argument that is not strings later, as an error event, where a browser's throws at
 * once; the SDK relies on that throw (it tries Node's constructor form first), so the browser's
 * behaviour is restored in front of the route.
 */
export async function rewriteServerFrames(page: Page, rewrite: (frame: Buffer) => Buffer | undefined): Promise<void> {
  await page.routeWebSocket(/.*/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => ws.send(typeof m === 'string' ? m : (rewrite(m) ?? m)));
  });
  await page.addInitScript(() => {
    const Routed = window.WebSocket;
    window.WebSocket = class extends Routed {
      constructor(url: string | URL, protocols?: string | string[]) {
        const list = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols];
        if (list.some((p) => typeof p !== 'string')) throw new DOMException('protocols must be strings', 'SyntaxError');
        super(url, protocols);
      }
    } as typeof WebSocket;
  });
}

/** At a blackjack table: waits until hand `hand` has its mark (true) or a move is offered (false). */
export async function handEndsOrAsks(page: Page, hand: number): Promise<boolean> {
  await page.waitForFunction(
    (n) => Boolean(document.querySelector(`[data-bj="hands"] li[data-draw="${n}"][data-verified]`)) || !(document.querySelector('[data-bj="stand"]') as HTMLButtonElement).disabled,
    hand,
    { timeout: 20_000 },
  );
  return (await page.locator(`[data-bj="hands"] li[data-draw="${hand}"][data-verified]`).count()) > 0;
}

/** Deals blackjack hand `hand` with the buttons and stands whenever a move is asked; resolves once the hand has its mark. */
export async function standHand(page: Page, hand: number): Promise<void> {
  await page.click('[data-bj="deal-button"]');
  while (!(await handEndsOrAsks(page, hand))) await page.click('[data-bj="stand"]');
}
