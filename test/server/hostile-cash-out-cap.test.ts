/**
 * Hostile: a cash-out larger than the coin's mint cap per player per epoch
 * (`COIN_PLAYER_EPOCH_CAP`). GameAssets never mints more than that to one address in an epoch,
 * so such a withdrawal could never be minted: its chips taken, its coins waiting forever. It must
 * be refused (409, saying the largest cash-out), taking nothing; a cash-out up to the cap goes
 * through and is minted. An honest player bets throughout.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { awardsOf, cashOut, chipsOf, creditDeposit } from '../helpers/cash-out.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CAP = 1_000_000;
let server: ServerProcess;
let bettor: HonestBettor;

beforeAll(async () => {
  server = await startServerProcess({ env: { MIN_CASHOUT_COINS: '10' } });
  bettor = await HonestBettor.start(server.url);
}, timeoutWithStarts(1, 20_000));

afterAll(async () => {
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

describe('hostile: a cash-out above the coin\'s cap per player per epoch', () => {
  it('is refused, taking nothing; one up to the cap is minted', { timeout: 60_000 }, async () => {
    const wallet = Wallet.createRandom();
    await creditDeposit(server.dataDir, wallet.address, CAP + 10, `${wallet.address}:cap`);
    const over = await cashOut(server.url, wallet, { coins: CAP + 1, requestId: 'over-the-cap' });
    console.log(`cash-out of ${CAP + 1} coins: ${over.status} ${JSON.stringify(over.body)}`);
    expect(over.status).toBe(409);
    expect(String(over.body['error'])).toMatch(/at most 1,000,000 coins/);
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: (CAP + 10) * UNITS_PER_CHIP });
    expect((await awardsOf(server.url, wallet.address)).awards).toEqual([]);

    const within = await cashOut(server.url, wallet, { coins: CAP, requestId: 'up-to-the-cap' });
    expect(within.status).toBe(200);
    await waitFor(async () => (await awardsOf(server.url, wallet.address)).awards.find((a) => a.awardId === within.body['awardId'] && a.status === 'minted'), { what: 'the cash-out up to the cap to be minted' });
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: 10 * UNITS_PER_CHIP });

    const report = await bettor.stop();
    console.log(describeHonest('honest bettor beside an over-cap cash-out', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
