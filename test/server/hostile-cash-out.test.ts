/**
 * Hostile: `POST /economy/cash-out` under attack, while an honest player bets throughout.
 * Malformed bodies and absurd numbers are refused (400) taking nothing; a token proves its own
 * address only (another's chips cannot be named, a token for another site is refused); a request
 * sent many times at once is one withdrawal; many different requests at once for the same chips
 * take them once; a cash-out racing a bet of the same chips lets one of them through, never
 * both; no balance goes negative, and the coins minted on chain are exactly the withdrawals made.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { withdrawalAwardId } from '../../server/awards/award-sink.ts';
import { awardsOf, cashOut, chipsOf, creditDeposit } from '../helpers/cash-out.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { authorize, signInToken, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BONUS = 1000 * UNITS_PER_CHIP;
let server: ServerProcess;
let bettor: HonestBettor;
/** Coins each address cashed out (200 answers, each withdrawal once). */
const cashed = new Map<string, Map<string, number>>();

function record(address: string, answer: { status: number; body: Record<string, unknown> }): void {
  if (answer.status !== 200) return;
  const mine = cashed.get(address) ?? new Map<string, number>();
  mine.set(String(answer.body['awardId']), Number(answer.body['coins']));
  cashed.set(address, mine);
}

beforeAll(async () => {
  server = await startServerProcess({ env: { MIN_CASHOUT_COINS: '10' } });
  bettor = await HonestBettor.start(server.url);
}, timeoutWithStarts(1, 20_000));

afterAll(async () => {
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

describe('hostile cash-outs', () => {
  it('refuses malformed bodies and absurd numbers (400), taking nothing', async () => {
    const wallet = Wallet.createRandom();
    await creditDeposit(server.dataDir, wallet.address, 40, `${wallet.address}:1`);
    const bodies: unknown[] = [
      'null',
      '"coins"',
      '{"coins": 1e400, "requestId": "abcdefgh"}',
      '{"coins": 10, "requestId": "abcdefgh", "coins": "10"}',
      { coins: Number.MAX_SAFE_INTEGER, requestId: 'abcdefgh' },
      { coins: 9_007_199_255, requestId: 'abcdefgh' },
      { coins: 0, requestId: 'abcdefgh' },
      { coins: { valueOf: 10 }, requestId: 'abcdefgh' },
      { coins: [10], requestId: 'abcdefgh' },
      { coins: 10, requestId: ['abcdefgh'] },
      { coins: 10, requestId: '../../etc/passwd' },
      { coins: 10, requestId: 'abcdefgh\u0000' },
      { __proto__: { coins: 10 }, requestId: 'abcdefgh' },
      `{"coins": 10, "requestId": "abcdefgh", "pad": "${'x'.repeat(4000)}"}`,
    ];
    for (const body of bodies) {
      const answer = await cashOut(server.url, wallet, body);
      expect(answer.status, `${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 80)} -> ${JSON.stringify(answer.body).slice(0, 200)}`).toBe(400);
    }
    // The largest whole number of coins the route takes: refused as more than may leave (409).
    const huge = await cashOut(server.url, wallet, { coins: 9_007_199_254, requestId: 'huge-but-whole' });
    expect(huge.status).toBe(409);
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: 40 * UNITS_PER_CHIP, withdrawableCoins: 40 });
  });

  it('takes chips only from the address the token proves: another address, another site, no token', async () => {
    const victim = Wallet.createRandom();
    const thief = Wallet.createRandom();
    await creditDeposit(server.dataDir, victim.address, 40, `${victim.address}:1`);
    // The thief's own token: its own chips (none).
    const own = await cashOut(server.url, thief, { coins: 40, requestId: 'steal-0001' });
    expect(own.status).toBe(409);
    // A token for another domain, or the victim's address signed by the thief: refused.
    const otherSite = await signInToken(server.url, victim, { domain: 'evil.example' });
    expect((await cashOut(server.url, victim, { coins: 40, requestId: 'steal-0002' }, otherSite)).status).toBe(401);
    const forged = await signInToken(server.url, thief);
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(forged, 'base64url').toString()), message: JSON.parse(Buffer.from(forged, 'base64url').toString()).message.replace(thief.address, victim.address) })).toString('base64url');
    expect((await cashOut(server.url, victim, { coins: 40, requestId: 'steal-0003' }, tampered)).status).toBe(401);
    expect((await cashOut(server.url, victim, { coins: 40, requestId: 'steal-0004' }, null)).status).toBe(401);
    expect(await chipsOf(server.url, victim.address)).toMatchObject({ balance: 40 * UNITS_PER_CHIP, withdrawableCoins: 40 });
  });

  it('makes one withdrawal of a request sent 10 times at once, and takes chips once from 10 different requests at once', async () => {
    const wallet = Wallet.createRandom();
    await creditDeposit(server.dataDir, wallet.address, 45, `${wallet.address}:1`);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => signInToken(server.url, wallet)));
    const same = await Promise.all(tokens.map((t) => cashOut(server.url, wallet, { coins: 15, requestId: 'same-request-1' }, t)));
    console.log(`one request sent 10 times at once: ${same.map((a) => a.status).join(', ')}`);
    expect(same.every((a) => a.status === 200 && a.body['awardId'] === withdrawalAwardId(wallet.address, 'same-request-1'))).toBe(true);
    same.forEach((a) => record(wallet.address, a));
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: 30 * UNITS_PER_CHIP, withdrawableCoins: 30 });

    const more = await Promise.all(Array.from({ length: 10 }, () => signInToken(server.url, wallet)));
    const different = await Promise.all(more.map((t, i) => cashOut(server.url, wallet, { coins: 20, requestId: `different-${i}-xx` }, t)));
    console.log(`10 different requests for 20 of 30 coins at once: ${different.map((a) => a.status).join(', ')}`);
    expect(different.filter((a) => a.status === 200)).toHaveLength(1);
    expect(different.filter((a) => a.status === 409)).toHaveLength(9);
    different.forEach((a) => record(wallet.address, a));
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: 10 * UNITS_PER_CHIP, withdrawableCoins: 10 });
  });

  it('lets a cash-out and a bet racing for the same chips through one at a time, never both, never below zero', async () => {
    for (let round = 0; round < 4; round++) {
      // Deposited before the join, which loads the balance the room bets against.
      const wallet = Wallet.createRandom();
      await creditDeposit(server.dataDir, wallet.address, 100, `${wallet.address}:1`);
      const player = await TestPlayer.join(server.url, { wallet });
      // The whole balance staked, and the deposit cashed out, sent at once.
      const stake = BONUS + 100 * UNITS_PER_CHIP;
      const action = { stake, target: 5000, direction: 'under' as const };
      const commitment = `${round}`.padStart(2, '0').repeat(32);
      const authorization = await authorize(player.drawSigner, player.room.roomId, 'dice', 'roll', action, commitment, player.rulesHash);
      const token = await signInToken(server.url, player.wallet);
      // Round by round: both at once (the bet, sent first, usually wins), or the cash-out answered before the bet is sent.
      const betFirst = round % 2 === 0;
      if (betFirst) player.room.send('bet', { ...action, commitment, authorization });
      const cash = cashOut(server.url, player.wallet, { coins: 100, requestId: `race-round-${round}` }, token);
      if (!betFirst) {
        await cash;
        player.room.send('bet', { ...action, commitment, authorization });
      }
      const [answer, bet] = await Promise.all([cash, waitFor(() => player.inbox.find((m) => (m.type === 'receipt' && m.body.commitments[0] === commitment) || m.type === 'error'), { what: 'the bet answered' })]);
      record(player.address, answer);
      const betTaken = bet.type === 'receipt';
      console.log(`round ${round} (${betFirst ? 'bet' : 'cash-out'} sent first): bet ${betTaken ? 'taken' : `refused (${(bet.body as { code: string }).code})`}, cash-out ${answer.status}`);
      expect(betTaken && answer.status === 200).toBe(false);
      expect(betTaken || answer.status === 200).toBe(true);
      const chips = await chipsOf(server.url, player.address);
      expect(chips.balance).toBeGreaterThanOrEqual(0);
      expect(chips.balance).toBe(betTaken ? 0 : BONUS);
      await player.room.leave();
    }
  });

  it('mints exactly the withdrawals made, once each, and the honest player was never refused', async () => {
    const report = await bettor.stop();
    console.log(describeHonest('honest bettor during the cash-out attacks', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
    for (const [address, made] of cashed) {
      const view = await waitFor(
        async () => {
          const v = await awardsOf(server.url, address);
          const coinAwards = v.awards.filter((a) => a.tokenId === 1);
          return coinAwards.length === made.size && coinAwards.every((a) => a.status === 'minted') && v;
        },
        { what: `the cash-outs of ${address} minted`, timeout: 60_000 },
      );
      const expected = [...made.values()].reduce((a, b) => a + b, 0);
      expect(new Set(view.awards.map((a) => a.awardId))).toEqual(new Set(made.keys()));
      expect(view.balances?.['1']).toBe(String(expected));
    }
  });
});
