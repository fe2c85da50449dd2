/**
 * Hostile sign-ins against a real server process, with an honest player betting throughout:
 * a flood of Resources-stuffed tokens (each refused at once for its size, before parsing), a
 * nonce flood from one address (refused with 429 once its quota is full, while another
 * address's sign-in, even one fetched before the flood, still works), and a wrong chain id.
 *
 * The flood comes from 127.0.0.2 (a socket bound there: all of 127.0.0.0/8 is loopback on
 * Linux), the honest player from 127.0.0.1, so the server sees two client addresses as it would
 * two hosts, with no header it has to trust.
 */
import { get, type IncomingHttpHeaders } from 'node:http';
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LINES, MAX_TOKEN_CHARS } from '../../server/auth/sign-in-limits.ts';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, signInToken, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ATTACKER_ADDRESS = '127.0.0.2';
/** The server's default SIWE_NONCES_PER_CLIENT (docs/operations.md, "Sign-in limits"). */
const NONCES_PER_CLIENT = 32;
const IN_FLIGHT = 8;

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
}, timeoutWithStarts(1, 0));
afterAll(async () => {
  await server?.stop();
});

/** A GET from a socket bound to `localAddress`. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Runs `attempt` `total` times, `IN_FLIGHT` at a time. */
async function flood<T>(total: number, attempt: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < total; i += IN_FLIGHT) results.push(...(await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total - i) }, (_, k) => attempt(i + k)))));
  return results;
}

/** The message a refused join carries (Colyseus rejects with the server's error). */
async function joinRefusal(token: string): Promise<{ code: unknown; message: string }> {
  const client = new Client(server.url);
  client.auth.token = token;
  const e = (await client.joinOrCreate('dice').then(
    () => expect.fail('the join was admitted'),
    (err: unknown) => err,
  )) as { code: unknown; message: string };
  return { code: e.code, message: e.message };
}

/** Waits until the honest player has seen `more` outcomes past `from`: the attack and honest play overlapped. */
async function honestPlays(bettor: HonestBettor, from: number, more = 2): Promise<void> {
  await waitFor(() => bettor.gambler.outcomes.length >= from + more, { what: `the honest player's next ${more} outcomes`, timeout: 60_000 });
}

describe('hostile sign-ins', () => {
  it('a Resources-stuffed sign-in flood: every token refused for its size, at once, while an honest player bets', { timeout: 240_000 }, async () => {
    const bettor = await HonestBettor.start(server.url);
    const before = bettor.gambler.outcomes.length;
    const wallet = Wallet.createRandom();
    const base = buildSignInMessage({ domain: 'localhost', uri: server.url, address: wallet.address, nonce: 'ab12cd34ef56ab78', chainId: 31337 });
    // About 700 Resources lines in a 4 KB message (a token of some 5.5 KB), as the audit sent; and a
    // token under the token limit whose message has too many lines.
    const stuffed = (lines: number) => `${base}\nResources:\n${Array.from({ length: lines }, (_, i) => `- a:${i}`).join('\n')}`.slice(0, 4096);
    const signature = `0x${'11'.repeat(65)}`;
    const big = encodeSignInToken(stuffed(700), signature);
    const manyLines = encodeSignInToken(stuffed(40), signature);
    expect(big.length).toBeGreaterThan(MAX_TOKEN_CHARS);
    expect(manyLines.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);

    const started = performance.now();
    const refusals = await flood(320, (i) => joinRefusal(i % 2 ? big : manyLines));
    const ms = performance.now() - started;
    await honestPlays(bettor, before);
    const report = await bettor.stop();
    console.log(`Resources-stuffed flood: ${refusals.length} tokens, ${IN_FLIGHT} at a time, all refused in ${ms.toFixed(0)} ms`);
    console.log(describeHonest('Resources-stuffed flood', report));

    for (const [i, r] of refusals.entries()) {
      expect(r.code).toBe(401);
      expect(r.message).toMatch(
        i % 2 ? new RegExp(`^sign-in refused \\(too-large\\): token is ${big.length} characters, more than the ${MAX_TOKEN_CHARS} allowed$`) : new RegExp(`^sign-in refused \\(too-large\\): message has \\d+ lines, more than the ${MAX_MESSAGE_LINES} allowed$`),
      );
    }
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });

  it('a nonce flood from one address is refused (429, Retry-After) at its quota, evicting no one: an honest sign-in still works', { timeout: 240_000 }, async () => {
    const bettor = await HonestBettor.start(server.url);
    const before = bettor.gambler.outcomes.length;
    // Fetched before the flood: a store that evicted the oldest nonces would lose this one.
    const early = Wallet.createRandom();
    const earlyToken = await signInToken(server.url, early);

    const answers = await flood(400, () => getFrom(ATTACKER_ADDRESS, `${server.url}/auth/nonce`));
    const issued = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    await honestPlays(bettor, before);
    console.log(`nonce flood from ${ATTACKER_ADDRESS}: ${answers.length} requests, ${issued.length} nonces issued, ${refused.length} refused`);

    expect(issued).toHaveLength(NONCES_PER_CLIENT);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(r.body)).toEqual({ error: 'too many unused sign-in nonces from this address: use one, or wait until they expire' });
    }
    // The honest address: its nonce from before the flood signs in, and so does a fresh one.
    const joinedEarly = await TestPlayer.join(server.url, { wallet: early, token: earlyToken, create: true });
    expect(joinedEarly.room.roomId).toBeTruthy();
    const fresh = await TestPlayer.join(server.url, { create: true });
    expect(fresh.room.roomId).toBeTruthy();
    // The flooding address stays refused until its nonces are used or expire.
    expect((await getFrom(ATTACKER_ADDRESS, `${server.url}/auth/nonce`)).status).toBe(429);

    const report = await bettor.stop();
    console.log(describeHonest('nonce flood', report));
    await Promise.all([joinedEarly.room.leave(), fresh.room.leave()]);
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });

  it('a sign-in for a wrong chain id is refused with the reason; /auth/nonce names the right one', { timeout: 120_000 }, async () => {
    const bettor = await HonestBettor.start(server.url);
    const before = bettor.gambler.outcomes.length;
    const fairness = await getJson<{ chain: { chainId: string } }>(`${server.url}/fairness`);
    const nonce = await getJson<{ chainId: number }>(`${server.url}/auth/nonce`);
    expect(nonce.chainId).toBe(Number(fairness.chain.chainId));

    const refusals = [];
    for (const chainId of [999, 1, nonce.chainId + 1]) refusals.push({ chainId, ...(await joinRefusal(await signInToken(server.url, Wallet.createRandom(), { chainId }))) });
    await honestPlays(bettor, before);
    const report = await bettor.stop();
    console.log(describeHonest('wrong chain id', report));

    for (const r of refusals) {
      expect(r.code).toBe(401);
      expect(r.message).toBe(`sign-in refused (chain): message is for chain id ${r.chainId}, this server's chain is ${nonce.chainId}`);
    }
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
