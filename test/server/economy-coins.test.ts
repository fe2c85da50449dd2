/**
 * The coin reconciliation through a whole round on a real server and chain: a player wins,
 * cashes out (a withdrawal minted), deposits part of it back (coins burned, chips credited), and
 * `/health`'s `economy` adds up at every step, while `/economy` counts the cash-out and the
 * deposit in their epoch. Then coins minted outside the books (the admin key minting directly)
 * show as `reconciled: false` with the difference.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, embeddedAdmin, mintCoins, type EmbeddedAdmin } from '../helpers/coins.ts';
import { CASH_OUT_TEST_ENV, cashOut, earnWithdrawable, gamblerBettor } from '../helpers/earn-coins.ts';
import { Gambler, randomWallet } from '../helpers/gambler.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Coins { reconciled: boolean | null; why?: string; coinSupply: number; withdrawn: number; deposited: number; courtBonds: number; otherAwards: number; difference: number }
interface Flow { epoch: number; withdrawals: { count: number; coins: number }; deposits: { count: number; coins: number } }

describe('the coin reconciliation', () => {
  let server: ServerProcess;
  let admin: EmbeddedAdmin | undefined;
  beforeAll(async () => {
    // Winnings may leave at once (no wagering requirement), from 1 coin. The bets below go back to
    // back (a bet and a reveal each): on a quiet machine that is over the 20 messages a second a
    // client may send by default, and the room cut the player off (4002).
    server = await startServerProcess({ env: { ...CASH_OUT_TEST_ENV, ECONOMY_SAMPLE_SECONDS: '1', MAX_MESSAGES_PER_SECOND: '200' } });
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  const coins = async (): Promise<Coins | undefined> => ((await (await fetch(`${server.url}/health`)).json()) as { economy?: Coins }).economy;
  const reconciledWith = (what: string, match: (c: Coins) => boolean) =>
    waitFor(async () => {
      const c = await coins();
      return c?.reconciled !== null && c && match(c) ? c : undefined;
    }, { what, timeout: 60_000, interval: 250 });

  it('adds up through a cash-out and a deposit, and not after coins minted outside the books', async () => {
    const wallet = randomWallet();
    const gambler = await Gambler.enter(server.url, wallet);
    const won = (await earnWithdrawable(server.url, gamblerBettor(gambler), 2)).withdrawableCoins;
    await gambler.room.leave().catch(() => undefined);
    const before = await reconciledWith('a first reconciliation', () => true);
    expect(before.reconciled).toBe(true);

    await cashOut(server.url, wallet, won);
    const cashed = await reconciledWith(`the ${won}-coin cash-out minted`, (c) => c.withdrawn === before.withdrawn + won);
    console.log(`after the cash-out: ${JSON.stringify(cashed)}`);
    expect(cashed.reconciled).toBe(true);
    // (A win may also have minted coins, as an award before cash-outs: otherAwards.)
    const books = (c: Coins) => c.withdrawn - c.deposited + c.courtBonds + c.otherAwards;
    expect(cashed.coinSupply).toBe(books(cashed));

    // The player deposits 1 of its coins back, from its own key (gas from the node's cheat code).
    const { gameAssets } = ((await (await fetch(`${server.url}/fairness`)).json()) as { chain: { gameAssets: string } }).chain;
    admin = embeddedAdmin(server.dataDir, gameAssets);
    await admin.provider.send('anvil_setBalance', [wallet.address, '0x8ac7230489e80000']);
    await deposit(gameAssets, new Wallet(wallet.privateKey, admin.provider), 1, 1);
    const deposited = await reconciledWith('the deposit burned', (c) => c.deposited === before.deposited + 1);
    console.log(`after the deposit: ${JSON.stringify(deposited)}`);
    expect(deposited.reconciled).toBe(true);
    expect(deposited.coinSupply).toBe(books(deposited));
    expect(deposited.coinSupply).toBe(cashed.coinSupply - 1 + (deposited.otherAwards - cashed.otherAwards));

    const flows = await waitFor(
      async () => {
        const r = (await (await fetch(`${server.url}/economy`)).json()) as { flows: Flow[] };
        const total = (k: 'withdrawals' | 'deposits') => r.flows.reduce((s, f) => s + f[k].coins, 0);
        return total('withdrawals') === won && total('deposits') === 1 ? r.flows : undefined;
      },
      { what: '/economy to count the cash-out and the credited deposit', timeout: 30_000, interval: 250 },
    );
    expect(flows.reduce((n, f) => n + f.withdrawals.count + f.deposits.count, 0)).toBe(2);

    // 7 coins minted by the admin key directly: on chain, in no book.
    await mintCoins(admin.assets, wallet.address, 7);
    const off = await waitFor(async () => {
      const c = await coins();
      return c?.reconciled === false ? c : undefined;
    }, { what: '/health to show coins that do not add up', timeout: 60_000, interval: 250 });
    console.log(`after minting outside the books: ${JSON.stringify(off)}`);
    expect(off.difference).toBe(7);
  }, 240_000);
});
