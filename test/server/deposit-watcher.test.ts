/**
 * The deposit watcher on a real anvil and a real database, in process: each Deposited event of
 * the coin is credited once, read in bounded block ranges; a crash after the chip entry and before
 * the `deposits` row (or before the cursor moved) re-applies nothing twice; another token's
 * deposits are not credited; a process that does not hold the lease credits nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { ensureGameAssets } from '../../server/chain/deployment.ts';
import { ChipLedger } from '../../server/chips/chip-ledger.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { SqlDepositCursor } from '../../server/economy/deposit-cursor.ts';
import { startDepositWatcher, type CreditedDeposit, type DepositWatcher } from '../../server/economy/deposit-watcher.ts';
import { deposit, fundedPlayer, mintCoins } from '../helpers/coins.ts';

const M = 1_000_000;
const ITEM = 101;
let node: AnvilNode;
let provider: JsonRpcProvider;
let assets: Contract;
let gameAssets: string;
let database: Database;
let chips: ChipLedger;
const watchers: DepositWatcher[] = [];

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const dir = mkdtempSync(join(tmpdir(), 'deposit-watcher-'));
  const admin = await provider.getSigner(0);
  const deployment = await ensureGameAssets(provider, admin, {
    recordFile: join(dir, 'deployment.json'),
    uri: 'https://fairplay.example/assets/{id}.json',
    epochSeconds: 86_400,
    tokens: [{ id: 1, epochCap: 10n ** 12n, playerEpochCap: 10n ** 12n }, { id: ITEM, epochCap: 100n, playerEpochCap: 100n }],
    minter: await admin.getAddress(),
    vrfKey: { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
    depositable: [1, ITEM],
  });
  assets = deployment.contract;
  gameAssets = await assets.getAddress();
  database = await openDatabase({ dataDir: dir });
  chips = await ChipLedger.open(database, 0);
});

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await chips?.close();
  await database?.close();
  provider?.destroy();
  await node?.stop();
});

function watcher(opts: { mayRun?: () => boolean; afterCredit?: (d: CreditedDeposit) => Promise<void> } = {}): DepositWatcher {
  // A long pollMs: the test polls by hand.
  const w = startDepositWatcher({ gameAssets, tokenId: 1, chainId: '31337', provider, chips, database, log: pino({ level: 'silent' }), pollMs: 3_600_000, blockRange: 2, ...opts });
  watchers.push(w);
  return w;
}

const rowsOf = (address: string) => database.db.selectFrom('deposits').selectAll().where('address', '=', address.toLowerCase()).orderBy('block_number').execute();
const entriesOf = (address: string) => database.db.selectFrom('chip_entries').select(['ref', 'delta']).where('address', '=', address.toLowerCase()).where('reason', '=', 'deposit').execute();

async function playerWithCoins(coins: number): Promise<Wallet> {
  const player = await fundedPlayer(provider);
  await mintCoins(assets, player.address, coins);
  return player;
}

describe('the deposit watcher', () => {
  it('credits each deposit of the coin once, over ranges of 2 blocks, and calls afterCredit for each', async () => {
    const player = await playerWithCoins(50);
    const seen: CreditedDeposit[] = [];
    const w = watcher({ afterCredit: async (d) => void seen.push(d) });
    const receipts = [];
    for (const coins of [1, 2, 3, 4, 5]) receipts.push(await deposit(gameAssets, player, 1, coins));
    await w.poll();
    expect((await rowsOf(player.address)).map((r) => [Number(r.coins), Number(r.block_number), r.tx_hash])).toEqual(receipts.map((r, i) => [i + 1, r.blockNumber, r.hash.toLowerCase()]));
    expect(await chips.balanceNow(player.address)).toBe(15 * M);
    expect(seen.map((d) => d.coins)).toEqual([1, 2, 3, 4, 5]);
    expect(await new SqlDepositCursor(database, gameAssets).next()).toBe((await provider.getBlockNumber()) + 1);
    await w.poll();
    expect(await chips.balanceNow(player.address)).toBe(15 * M);
    expect(await entriesOf(player.address)).toHaveLength(5);
  });

  it('re-applies nothing twice after a crash between the chip entry and the row, or before the cursor moved', async () => {
    const player = await playerWithCoins(30);
    const w = watcher();
    await w.poll();
    const from = (await new SqlDepositCursor(database, gameAssets).next())!;
    const r = await deposit(gameAssets, player, 1, 10);
    const log = r.logs.find((l) => l.topics.length === 3)!;
    const depositId = `31337:${r.hash.toLowerCase()}:${log.index}`;
    // The crash: the chip entry committed, no row, the cursor not moved.
    await chips.apply([{ ref: `deposit/${depositId}`, address: player.address.toLowerCase(), delta: 10 * M, reason: 'deposit' }]);
    await w.poll();
    expect((await rowsOf(player.address)).map((row) => row.deposit_id)).toEqual([depositId]);
    expect(await chips.balanceNow(player.address)).toBe(10 * M);
    // Read again from before the deposit (a cursor that never moved): nothing doubles.
    const again = startDepositWatcher({ gameAssets, tokenId: 1, chainId: '31337', provider, chips, database, log: pino({ level: 'silent' }), pollMs: 3_600_000, fromBlock: from, cursor: { next: async () => undefined, advance: async () => undefined } });
    watchers.push(again);
    await again.poll();
    expect(await chips.balanceNow(player.address)).toBe(10 * M);
    expect(await entriesOf(player.address)).toHaveLength(1);
    expect(await rowsOf(player.address)).toHaveLength(1);
  });

  it("credits nothing for another token's deposits, nor while the process does not hold the lease", async () => {
    const player = await playerWithCoins(20);
    const award = '0x' + 'ab'.repeat(32);
    await (await assets.getFunction('mintAwards')([player.address], [ITEM], [3], [award])).wait();
    await deposit(gameAssets, player, ITEM, 2);
    let leader = false;
    const w = watcher({ mayRun: () => leader });
    await deposit(gameAssets, player, 1, 4);
    await w.poll();
    expect(await rowsOf(player.address)).toEqual([]);
    leader = true;
    await w.poll();
    expect((await rowsOf(player.address)).map((r) => Number(r.coins))).toEqual([4]);
    expect(await chips.balanceNow(player.address)).toBe(4 * M);
  });
});
