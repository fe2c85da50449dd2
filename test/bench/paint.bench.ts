/**
 * How fast the pages show and answer, in headless Chromium against a real server: first
 * contentful paint (the Paint Timing API) and time to interactive for `/` (until the sign-in
 * button is enabled: the page has fetched and pinned the server's keys) and `/verify` (until the
 * keys are filled in and Verify can be pressed), each from navigation start, over fresh browser
 * contexts (nothing cached). Also the long tasks (over 50 ms) seen before interactive. Printed
 * only: no target, the machine is shared.
 * @module
 */
import type { Browser, Page } from 'playwright-core';
import { ensureClientBuilt } from '../../server/client-build.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { median } from './harness.ts';
import type { Target } from './vrf.bench.ts';

const RUNS = 7;

interface PageTimes {
  fcp: number;
  interactive: number;
  longTasks: number;
  longTaskMs: number;
}

/** Resolves when `page` can be used; a function run in the page. */
type ReadyCheck = () => boolean;

const PAGES: readonly { path: string; label: string; ready: ReadyCheck; readyText: string }[] = [
  {
    path: '/',
    label: 'game page /',
    readyText: '#sign-in-local enabled',
    ready: () => (document.getElementById('sign-in-local') as HTMLButtonElement | null)?.disabled === false,
  },
  {
    path: '/verify',
    label: '/verify',
    readyText: 'keys filled in',
    ready: () => ((document.getElementById('public-key') as HTMLInputElement | null)?.value ?? '') !== '',
  },
];

async function measure(browser: Browser, url: string, ready: ReadyCheck): Promise<PageTimes> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page: Page = await context.newPage();
  // Long tasks are observed from the start (buffered entries are not kept for them).
  await page.addInitScript(() => {
    const seen: number[] = [];
    (window as unknown as { benchLongTasks: number[] }).benchLongTasks = seen;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.push(e.duration))).observe({ type: 'longtask' });
  });
  try {
    await page.goto(url);
    await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 });
    const interactive = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    return await page.evaluate((at) => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]!.startTime;
      const tasks = (window as unknown as { benchLongTasks: number[] }).benchLongTasks;
      return { fcp, interactive: at, longTasks: tasks.length, longTaskMs: tasks.reduce((a, b) => a + b, 0) };
    }, interactive);
  } finally {
    await context.close();
  }
}

export async function benchPaint(): Promise<{ table: string; targets: Target[] }> {
  await ensureClientBuilt((msg) => console.log(msg)); // the pages of the code as it is now
  const server = await startServerProcess({ env: { LOG_LEVEL: 'warn' } });
  const browser = await launchChromium();
  try {
    const lines = [`median of ${RUNS} loads, each in a fresh browser context (nothing cached), 1280x800, from navigation start`];
    lines.push('page            first contentful paint   time to interactive                   long tasks before interactive');
    for (const p of PAGES) {
      await measure(browser, `${server.url}${p.path}`, p.ready); // a warm-up: the server's first answers
      const runs: PageTimes[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, `${server.url}${p.path}`, p.ready));
      const m = (k: keyof PageTimes) => median(runs.map((r) => r[k]));
      lines.push(
        `${p.label.padEnd(16)}${`${m('fcp').toFixed(0)} ms`.padEnd(25)}${`${m('interactive').toFixed(0)} ms (${p.readyText})`.padEnd(38)}${m('longTasks')} (${m('longTaskMs').toFixed(0)} ms)`,
      );
    }
    return { table: lines.join('\n'), targets: [] };
  } finally {
    await browser.close();
    await server.stop();
  }
}
