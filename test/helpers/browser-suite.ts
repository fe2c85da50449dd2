/**
 * A browser test file's server and browser: one real server process and one Debian Chromium,
 * started before the file's tests (together) and stopped after them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

/** Starts both before the file's tests and hands them to `use`; stops both after. */
export function withServerAndBrowser(opts: Parameters<typeof startServerProcess>[0], use: (server: ServerProcess, browser: Browser) => void): void {
  let started: [ServerProcess, Browser] | undefined;
  beforeAll(async () => {
    started = await Promise.all([startServerProcess(opts), launchChromium()]);
    use(...started);
  });
  afterAll(async () => {
    await started?.[1].close();
    await started?.[0].stop();
  });
}
