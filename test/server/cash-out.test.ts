/**
 * `POST /economy/cash-out` on a real server process and its embedded chain: chips into coins.
 * The starting bonus alone cashes out nothing; chips deposited do (a deposit credited as the
 * deposit watcher credits it); the same request id answers the same withdrawal; below the
 * minimum, above what may be cashed out, malformed bodies and missing or bad tokens are refused
 * with nothing taken; the coins are minted once, on chain, through the awards route's minter.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { withdrawalAwardId } from '../../server/awards/award-sink.ts';
import { awardsOf, cashOut, chipsOf, creditDeposit } from '../helpers/cash-out.ts';
import { signInToken, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BONUS = 1000 * UNITS_PER_CHIP;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: { MIN_CASHOUT_COINS: '10' } });
}, timeoutWithStarts(1, 10_000));

afterAll(async () => {
  await server?.stop();
});

describe('cash-out', () => {
  it('gives a never-seen address no chips, and the starting bonus at its first join', async () => {
    const wallet = Wallet.createRandom();
    expect(await chipsOf(server.url, wallet.address)).toEqual({
      address: wallet.address,
      balance: 0,
      bonus: 0,
      wagered: 0,
      wageringRequirement: 0,
      netDeposit: 0,
      withdrawable: 0,
      withdrawableCoins: 0,
      minCashOutCoins: 10,
    });
    const player = await TestPlayer.join(server.url, { wallet });
    await player.room.leave();
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: BONUS, bonus: BONUS, wageringRequirement: 30 * BONUS, withdrawable: 0, withdrawableCoins: 0 });
  });

  it('cashes out deposited chips once per request id, never the bonus, and mints the coins once', async () => {
    const wallet = Wallet.createRandom();
    const player = await TestPlayer.join(server.url, { wallet });
    // The bonus alone: nothing to cash out, and the answer says why.
    const bonusOnly = await cashOut(server.url, wallet, { coins: 10, requestId: 'bonus-only-1' });
    expect(bonusOnly.status, JSON.stringify(bonusOnly.body)).toBe(409);
    expect(String(bonusOnly.body['error'])).toMatch(/more than the 0 coins .* starting bonus and chips found in chests\) are never cashed out/);
    const small = await cashOut(server.url, wallet, { coins: 9, requestId: 'too-small-1' });
    expect(small.status).toBe(409);
    expect(String(small.body['error'])).toMatch(/smallest cash-out is 10 coins/);

    await creditDeposit(server.dataDir, wallet.address, 50, `${wallet.address}:1`);
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: BONUS + 50 * UNITS_PER_CHIP, netDeposit: 50 * UNITS_PER_CHIP, withdrawable: 50 * UNITS_PER_CHIP, withdrawableCoins: 50 });
    const over = await cashOut(server.url, wallet, { coins: 51, requestId: 'over-1234' });
    expect(over.status).toBe(409);
    expect(String(over.body['error'])).toMatch(/more than the 50 coins/);

    const requestId = 'first-cash-out';
    const awardId = withdrawalAwardId(wallet.address, requestId);
    const first = await cashOut(server.url, wallet, { coins: 50, requestId });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ awardId, coins: 50 });
    expect(['pending', 'minted']).toContain(first.body['status']);
    // The same request again: the same withdrawal, nothing more taken.
    const again = await cashOut(server.url, wallet, { coins: 50, requestId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ awardId, coins: 50, replayed: true });
    // The same request id for another amount: refused, not a second withdrawal.
    const reused = await cashOut(server.url, wallet, { coins: 20, requestId });
    expect(reused.status).toBe(409);
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: BONUS, bonus: BONUS, netDeposit: 0, withdrawable: 0, withdrawableCoins: 0 });

    const minted = await waitFor(
      async () => {
        const view = await awardsOf(server.url, wallet.address);
        return view.awards.find((a) => a.awardId === awardId)?.status === 'minted' && view;
      },
      { what: 'the cash-out minted', timeout: 60_000 },
    );
    expect(minted.awards.filter((a) => a.tokenId === 1)).toHaveLength(1);
    expect(minted.awards[0]).toMatchObject({ amount: 50, source: { roomId: 'withdrawal' } });
    expect(minted.balances?.['1']).toBe('50');
    // Asked again after the mint: still one withdrawal, still 50 coins on chain.
    const late = await cashOut(server.url, wallet, { coins: 50, requestId });
    expect(late.body).toMatchObject({ awardId, status: 'minted' });
    expect((await awardsOf(server.url, wallet.address)).balances?.['1']).toBe('50');
    await player.room.leave();
  });

  it('refuses malformed bodies (400) and missing or bad tokens (401), taking nothing', async () => {
    const wallet = Wallet.createRandom();
    await creditDeposit(server.dataDir, wallet.address, 30, `${wallet.address}:1`);
    const bad: unknown[] = [
      '{not json',
      [],
      {},
      { coins: 10 },
      { requestId: 'abcdefgh' },
      { coins: '10', requestId: 'abcdefgh' },
      { coins: 10.5, requestId: 'abcdefgh' },
      { coins: -10, requestId: 'abcdefgh' },
      { coins: 1e300, requestId: 'abcdefgh' },
      { coins: 10, requestId: 'short' },
      { coins: 10, requestId: 'has spaces in it' },
      { coins: 10, requestId: 'x'.repeat(65) },
      { coins: 10, requestId: 'abcdefgh', extra: 1 },
      JSON.stringify({ coins: 10, requestId: 'a'.repeat(2000) }),
    ];
    for (const body of bad) {
      const answer = await cashOut(server.url, wallet, body);
      expect(answer.status, `${JSON.stringify(body).slice(0, 80)} -> ${JSON.stringify(answer.body)}`).toBe(400);
      expect(typeof answer.body['error']).toBe('string');
    }
    expect((await cashOut(server.url, wallet, { coins: 10, requestId: 'no-token-1' }, null)).status).toBe(401);
    expect((await cashOut(server.url, wallet, { coins: 10, requestId: 'bad-token-1' }, 'not-a-token')).status).toBe(401);
    // A token spent already (its nonce is single-use).
    const token = await signInToken(server.url, wallet);
    expect((await cashOut(server.url, wallet, { coins: 10, requestId: 'spent-token-1' }, token)).status).toBe(200);
    expect((await cashOut(server.url, wallet, { coins: 10, requestId: 'spent-token-2' }, token)).status).toBe(401);
    expect(await chipsOf(server.url, wallet.address)).toMatchObject({ balance: 20 * UNITS_PER_CHIP, withdrawableCoins: 20 });
  });

  it('publishes the bonus rule and its figures', async () => {
    const rules = (await (await fetch(`${server.url}/economy/rules`)).json()) as Record<string, unknown>;
    expect(rules).toMatchObject({ startingBonusChips: 1000, bonusWagerMultiple: 30, minCashOutCoins: 10, bonusPerIp: 1_000_000, bonusWindowSeconds: 86_400 });
    expect(String(rules['rule'])).toMatch(/never cashed out/);
  });
});
