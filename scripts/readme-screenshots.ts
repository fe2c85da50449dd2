/**
 * The README's pictures: one of each game and one of the operator's economy page, taken from the screenshots the browser tests write
 * (test-results/screenshots, which git ignores) and copied into docs/screenshots (tracked).
 *
 *   npm run screenshots              # runs the game tests and the economy page's (each starts its own server), then copies
 *   npm run screenshots -- --copy    # copies what the last test runs left
 *   npm run screenshots -- --only=economy   # one picture (with or without --copy)
 *
 * Each picture is the top of the page (what a 1280 x 800 window shows), drawn by Chromium and
 * scaled down until its PNG is under MAX_BYTES, so the repository stays small.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/helpers/browser.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const SHOTS = join(root, 'test-results', 'screenshots');
const OUT = join(root, 'docs', 'screenshots');
const MAX_BYTES = 150_000;
const VIEW = { width: 1280, height: 800 };

/** The README's picture of each game (and of /economy): the test that takes it and the screenshot it writes. */
const PICTURES: readonly { game: string; test: string; shot: string }[] = [
  { game: 'dice', test: 'test/browser/dice.test.ts', shot: 'dice-played' },
  { game: 'raid', test: 'test/browser/raid.test.ts', shot: 'raid-playing' },
  { game: 'blackjack', test: 'test/browser/blackjack.test.ts', shot: 'blackjack' },
  { game: 'economy', test: 'test/browser/economy.test.ts', shot: 'economy' },
];

/** The pictures asked for: all, or the one `--only=<name>` names. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const CHOSEN = only === undefined ? PICTURES : PICTURES.filter((p) => p.game === only);
if (CHOSEN.length === 0) throw new Error(`--only=${only}: no such picture (${PICTURES.map((p) => p.game).join(', ')})`);

/** Runs each game's test; a failing test is reported, and its picture is used only if this run wrote it. */
function runTests(): void {
  for (const p of CHOSEN) {
    console.log(`screenshots: running ${p.test}`);
    const started = Date.now();
    const run = spawnSync('npx', ['vitest', 'run', p.test], { cwd: root, stdio: 'inherit' });
    if (run.status === 0) continue;
    const shot = join(SHOTS, `${p.shot}.png`);
    if (!existsSync(shot) || statSync(shot).mtimeMs < started) throw new Error(`${p.test} failed (exit ${run.status}) before it took ${p.shot}.png`);
    console.warn(`screenshots: ${p.test} failed (exit ${run.status}) after it took ${p.shot}.png: the picture is used, the failure is yours to look at`);
  }
}

async function copy(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    for (const p of CHOSEN) {
      const from = join(SHOTS, `${p.shot}.png`);
      if (!existsSync(from)) throw new Error(`no ${from}: run ${p.test} first (or npm run screenshots without --copy)`);
      const to = join(OUT, `${p.game}.png`);
      const dataUrl = `data:image/png;base64,${readFileSync(from).toString('base64')}`;
      // Shown at 1280 px wide (the tests' desktop width), cut to one window's height, scaled until small enough.
      for (const scale of [1, 0.85, 0.75, 0.6, 0.5]) {
        const page = await browser.newPage({ viewport: { width: Math.round(VIEW.width * scale), height: Math.round(VIEW.height * scale) } });
        await page.setContent(`<body style="margin:0"><img src="${dataUrl}" style="width:${VIEW.width * scale}px;display:block"></body>`);
        await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
        await page.screenshot({ path: to });
        await page.close();
        if (statSync(to).size <= MAX_BYTES) break;
      }
      console.log(`screenshots: ${p.shot}.png -> docs/screenshots/${p.game}.png (${statSync(to).size.toLocaleString('en')} bytes)`);
    }
  } finally {
    await browser.close();
  }
}

if (!process.argv.includes('--copy')) runTests();
await copy();
