/**
 * Hostile: fresh addresses from one client IP try to get the starting bonus past the sybil gate
 * (one bonus per IP a day, the defaults) by naming another IP in the join's headers: an
 * X-Forwarded-For (the server trusts no proxy: TRUST_PROXY 0) and the header the server itself
 * writes its client key into (`x-fairplay-client-key`), each a different value per address, all
 * at once. None of them gets a chip; an honest player, the IP's first, bets throughout.
 */
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chipsOf } from '../helpers/cash-out.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { sessionSignIn } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

const FARMERS = 12;
let server: ServerProcess;
let bettor: HonestBettor;

beforeAll(async () => {
  server = await startServerProcess({ env: { BONUS_PER_IP: '1', BONUS_PER_SESSION_KEY: '1', TRUST_PROXY: '0' } });
  // The IP's one bonus goes to the honest player.
  bettor = await HonestBettor.start(server.url);
}, timeoutWithStarts(1, 20_000));

afterAll(async () => {
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

describe('hostile: the bonus gate and spoofed client headers', () => {
  it('gives no bonus to addresses that name other IPs in their join headers', { timeout: 60_000 }, async () => {
    const farmers = Array.from({ length: FARMERS }, () => Wallet.createRandom());
    await Promise.all(
      farmers.map(async (wallet, i) => {
        const ip = `203.0.113.${i + 1}`;
        const client = new Client(server.url, { headers: { 'x-forwarded-for': ip, 'x-fairplay-client-key': ip, 'x-real-ip': ip, forwarded: `for=${ip}` } });
        client.auth.token = (await sessionSignIn(server.url, wallet)).token;
        const room = await client.create('dice');
        await room.leave();
      }),
    );
    const answers = await Promise.all(farmers.map((w) => chipsOf(server.url, w.address)));
    console.log(`farmers' chips: ${answers.map((a) => a.balance).join(', ')}; first refusal: ${answers[0]?.bonusRefused}`);
    for (const a of answers) {
      expect(a).toMatchObject({ balance: 0, bonus: 0 });
      expect(a.bonusRefused).toMatch(/same internet connection/);
    }
    const report = await bettor.stop();
    console.log(describeHonest('honest bettor beside spoofed joins', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
