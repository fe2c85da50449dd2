/**
 * Builds the browser client into `dist/client` with Vite, which the server serves at `/` and
 * `/verify`. Development time only: `npm start` runs this (`--if-stale`: only when the sources
 * are newer than the last build) before it starts the server, which never loads Vite.
 * @module
 */
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CLIENT_DIST } from './client-dist.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const STAMP = join(CLIENT_DIST, '.built');
/** What the bundle is made of: the client, the vrf/ code it verifies with, the games' rules and views, the build config. */
const SOURCES = ['client', 'vrf', 'games', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/**
 * Builds with Vite, then stamps the build with the time it started: a source edited while the
 * build ran is newer than the stamp, so the next `--if-stale` builds again rather than serving a
 * bundle without it.
 */
async function buildNow(quiet: boolean): Promise<void> {
  const started = new Date();
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), ...(quiet ? { logLevel: 'error' as const } : {}) });
  writeFileSync(STAMP, started.toISOString());
  utimesSync(STAMP, started, started);
}

export function clientIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => existsSync(join(root, s)) && newestMtime(join(root, s)) > built);
}

/** Builds the client if it is missing or older than its sources; returns whether it built. */
export async function ensureClientBuilt(log: (msg: string) => void): Promise<boolean> {
  if (!clientIsStale()) return false;
  log('building the browser client (vite)');
  await buildNow(true);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale')) {
    // `npm start`: build only when the sources changed since the last build.
    await ensureClientBuilt((msg) => console.log(`fairplay: ${msg}`));
  } else {
    // `npm run build`: build now, whatever the stamp says.
    await buildNow(false);
  }
}
