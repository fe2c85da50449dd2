/**
 * Reproduces "fetch failed: other side closed" of the 1,000-join burst test (hostile.test.ts) and
 * shows its cause: the test's own client, not the server.
 *
 *   npx tsx test/repro/keep-alive-race.ts
 *
 * The server answers with `Keep-Alive: timeout=5` and closes an idle connection after 5 s (as
 * advertised; test/server/keep-alive.test.ts checks it does not close one earlier). Node's fetch
 * (undici) keeps an idle connection for 5 - 2 = 3 s, with a timer. The burst test used to build
 * its 1,000 wallets with `Wallet.createRandom()`: a BIP-39 mnemonic and an HD derivation each,
 * synchronous, several seconds in all, during which the client's event loop runs neither undici's
 * timer nor the socket's "end" event. The server closed the pooled connections meanwhile; the
 * first fetches after the loop went out on them and failed with "other side closed" (bytesRead >
 * 0: the socket had served an earlier response). The same wait with the event loop free fails
 * nothing, and neither do 1,000 wallets made from random private keys (what the test does now).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { getJson } from '../helpers/player.ts';
import { startServerProcess } from '../helpers/server-process.ts';

const server = await startServerProcess();

/** Uses the connection pool, runs `pause`, then 50 fetches at once: how many failed, and why. */
async function attempt(name: string, pause: () => void | Promise<void>): Promise<number> {
  await Promise.all(Array.from({ length: 5 }, () => getJson(`${server.url}/auth/nonce`))); // a few idle pooled connections
  const t0 = Date.now();
  await pause();
  const pausedMs = Date.now() - t0;
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => getJson(`${server.url}/auth/nonce`)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const why = failed[0] ? ` e.g. "${failed[0].reason.message}: ${failed[0].reason.cause?.message}" (bytesRead ${failed[0].reason.cause?.socket?.bytesRead})` : '';
  console.log(`${name.padEnd(58)} ${String(pausedMs).padStart(6)} ms  ${failed.length}/50 fetches failed${why}`);
  // Let every pooled connection lapse before the next case.
  await new Promise((r) => setTimeout(r, 6_000));
  return failed.length;
}

try {
  const blocked = await attempt('1,000 x Wallet.createRandom() (event loop blocked)', () => {
    for (let i = 0; i < 1000; i++) Wallet.createRandom();
  });
  await attempt('event loop blocked 7 s (busy wait)', () => {
    for (const end = Date.now() + 7_000; Date.now() < end; );
  });
  await attempt('event loop free for 7 s (timers)', () => new Promise((r) => setTimeout(r, 7_000)));
  await attempt('1,000 x new Wallet(random private key)', () => {
    for (let i = 0; i < 1000; i++) new Wallet('0x' + randomBytes(32).toString('hex'));
  });
  if (blocked === 0) console.log('(not reproduced: Wallet.createRandom() x 1000 took less than the 5 s keep-alive timeout here)');
} finally {
  await server.stop();
}
