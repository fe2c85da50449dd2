/**
 * The reconciliation's chip side: chips a deposit credits must have a deposit row (and a burn on
 * chain), so a credit written without them — what a deposit credited twice, or from a forged
 * event, would look like — turns `/health`'s `economy.reconciled` false, with the chip figures
 * that disagree, even though the coins on chain still add up.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Books { reconciled: boolean | null; difference?: number; chips?: { netDepositChips: number; depositCoins: number; withdrawalCoins: number; agree: boolean } }

describe('the reconciliation of the chips', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const books = async (): Promise<Books | undefined> => ((await (await fetch(`${server.url}/health`)).json()) as { economy?: Books }).economy;

  it('a deposit credit without its deposit row does not add up', async () => {
    const clean = await waitFor(async () => {
      const b = await books();
      return b && b.reconciled !== null ? b : undefined;
    }, { what: 'a first reconciliation', timeout: 60_000, interval: 250 });
    expect(clean.reconciled).toBe(true);
    expect(clean.chips).toEqual({ netDepositChips: 0, depositCoins: 0, withdrawalCoins: 0, creditedToBlock: 0, agree: true });

    // 3 chips credited as a deposit, as the ledger writes one, with no deposit row and no burn.
    const address = Wallet.createRandom().address.toLowerCase();
    const units = 3 * UNITS_PER_CHIP;
    await inDatabase(await serverPlace(server.dataDir), async (db) => {
      await db.insertInto('chip_entries').values({ ref: 'deposit/forged', address, delta: units, reason: 'deposit' }).execute();
      await db.insertInto('chip_balances').values({ address, units, net_deposit_units: units }).execute();
    });

    const off = await waitFor(async () => {
      const b = await books();
      return b?.reconciled === false ? b : undefined;
    }, { what: 'the forged credit seen', timeout: 60_000, interval: 250 });
    expect(off.difference).toBe(0);
    expect(off.chips).toMatchObject({ netDepositChips: 3, depositCoins: 0, withdrawalCoins: 0, agree: false });
  });
});
