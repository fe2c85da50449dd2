/**
 * Deposits, end to end: a real server process and its embedded chain (or an external anvil).
 * A player burns coins with GameAssets.deposit; the server credits them to its chips exactly once
 * (chip entry `deposit/<chainId>:<txHash>:<logIndex>` and a `deposits` row that match), also when
 * it is SIGKILLed right after the burn and started again; the chain refuses a deposit of a
 * non-depositable id or of zero; with MINT_CONFIRMATIONS > 1 nothing is credited before its
 * confirmations, and a deposit in a block the chain then loses is never credited.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Contract, type TransactionReceipt } from 'ethers';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { COIN, deposit, embeddedAdmin, fundedPlayer, mintCoins, revertName } from '../helpers/coins.ts';
import { startExternalChain, type ExternalChain } from '../helpers/external-chain.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const UNITS = 1_000_000;
const servers: ServerProcess[] = [];
const databases: Database[] = [];
let external: ExternalChain | undefined;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await Promise.all(databases.map((d) => d.close()));
  await external?.stop();
});

async function start(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, env });
  servers.push(server);
  return server;
}

async function chainInfo(server: ServerProcess): Promise<{ chainId: string; gameAssets: string; deposits: string }> {
  return ((await (await fetch(`${server.url}/fairness`)).json()) as { chain: { chainId: string; gameAssets: string; deposits: string } }).chain;
}

async function chips(server: ServerProcess, address: string): Promise<number> {
  return ((await (await fetch(`${server.url}/players/${address}/chips`)).json()) as { balance: number }).balance;
}

async function serverDatabase(dataDir: string): Promise<Database> {
  const database = await openDatabase(await serverPlace(dataDir));
  databases.push(database);
  return database;
}

/** The deposit's chip entries and `deposits` rows, by its id. */
async function credits(database: Database, depositId: string) {
  const entries = await database.db.selectFrom('chip_entries').selectAll().where('ref', '=', `deposit/${depositId}`).execute();
  const rows = await database.db.selectFrom('deposits').selectAll().where('deposit_id', '=', depositId).execute();
  return { entries, rows };
}

const depositIdOf = (chainId: string, receipt: TransactionReceipt): string => {
  const log = receipt.logs.find((l) => l.topics.length === 3)!; // Deposited: player and id indexed (TransferSingle has 4 topics)
  return `${chainId}:${receipt.hash.toLowerCase()}:${log.index}`;
};

describe('deposits on the embedded chain', () => {
  it(
    'credits a deposit exactly once, also across a SIGKILL right after the burn, and the chain refuses bad deposits',
    async () => {
      const dataDir = tempDataDir();
      let server = await start(dataDir);
      const info = await chainInfo(server);
      expect(info.deposits).toBe('open');
      const health = (await (await fetch(`${server.url}/health`)).json()) as { chain: { deposits: string } };
      expect(health.chain.deposits).toBe('open');
      let admin = embeddedAdmin(dataDir, info.gameAssets);
      let player = await fundedPlayer(admin.provider);
      await mintCoins(admin.assets, player.address, 100);
      const before = await chips(server, player.address);

      // A plain deposit: credited once, the chip entry and the row agree.
      const first = await deposit(info.gameAssets, player, COIN, 20);
      const firstId = depositIdOf(info.chainId, first);
      console.log(`GameAssets.deposit gas on the embedded node: ${first.gasUsed} (20 of the player's 100 coins)`);
      await waitFor(async () => (await chips(server, player.address)) === before + 20 * UNITS, { what: 'the first deposit credited', timeout: 30_000 });
      const database = await serverDatabase(dataDir);
      const one = await credits(database, firstId);
      expect(one.entries).toEqual([{ ref: `deposit/${firstId}`, address: player.address.toLowerCase(), delta: 20 * UNITS, reason: 'deposit' }]);
      expect(one.rows.map((r) => [r.address, Number(r.coins), Number(r.block_number), r.tx_hash])).toEqual([[player.address.toLowerCase(), 20, first.blockNumber, first.hash.toLowerCase()]]);

      // Refused on chain, nothing burned, nothing credited: an id that is not depositable, zero.
      expect(await revertName(deposit(info.gameAssets, player, 2, 1))).toBe('NotDepositable');
      expect(await revertName(deposit(info.gameAssets, player, COIN, 0))).toBe('ZeroDeposit');
      expect(await revertName(deposit(info.gameAssets, player, COIN, 1_000))).toBe('ERC1155InsufficientBalance');

      // SIGKILL right after each burn, then a restart: every deposit credited once.
      const killed: string[] = [];
      for (const coins of [7, 3]) {
        const receipt = await deposit(info.gameAssets, player, COIN, coins);
        killed.push(depositIdOf(info.chainId, receipt));
        await server.stop('SIGKILL');
        admin.close();
        server = await start(dataDir);
        admin = embeddedAdmin(dataDir, info.gameAssets);
        player = player.connect(admin.provider);
      }
      await waitFor(async () => (await chips(server, player.address)) === before + 30 * UNITS, { what: 'the deposits made before the SIGKILLs credited', timeout: 60_000 });
      for (const id of [firstId, ...killed]) {
        const { entries, rows } = await credits(database, id);
        expect([entries.length, rows.length], id).toEqual([1, 1]);
        expect(entries[0]!.delta).toBe(Number(rows[0]!.coins) * UNITS);
      }
      const all = await database.db.selectFrom('deposits').select(['coins']).where('address', '=', player.address.toLowerCase()).execute();
      expect(all.map((r) => Number(r.coins)).sort((a, b) => a - b)).toEqual([3, 7, 20]);
      // Still exactly once after another restart, which reads from its cursor again.
      await server.stop('SIGTERM');
      admin.close();
      server = await start(dataDir);
      const again = embeddedAdmin(dataDir, info.gameAssets);
      const supply = (await again.assets.getFunction('totalSupply(uint256)')(COIN)) as bigint;
      const held = (await again.assets.getFunction('balanceOf')(player.address, COIN)) as bigint;
      again.close();
      expect(held).toBe(100n - 30n);
      expect(supply).toBeGreaterThanOrEqual(held);
      expect(await chips(server, player.address)).toBe(before + 30 * UNITS);
      expect((await database.db.selectFrom('chip_entries').select('ref').where('reason', '=', 'deposit').where('address', '=', player.address.toLowerCase()).execute()).length).toBe(3);
    },
    timeoutWithStarts(4, 120_000),
  );
});

describe('deposits on an external chain with MINT_CONFIRMATIONS=3', () => {
  it(
    'credits nothing before its confirmations, never a deposit whose block the chain lost, and then the deposit once',
    async () => {
      external = await startExternalChain();
      const { provider } = external;
      const assets = external.assets; // connected to the chain's admin
      await (await assets.getFunction('setDepositable')(COIN, true)).wait();
      const minterRole = await assets.getFunction('MINTER_ROLE')();
      await (await assets.getFunction('grantRole')(minterRole, await (await provider.getSigner(0)).getAddress())).wait();
      const dataDir = tempDataDir();
      const server = await start(dataDir, { ...external.env, MINT_CONFIRMATIONS: '3', ANCHOR_PERIOD_MS: '86400000' });
      const info = await chainInfo(server);
      expect(info.deposits).toBe('open');
      const database = await serverDatabase(dataDir);
      const cursor = async () => Number((await database.db.selectFrom('deposit_cursors').select('next_block').executeTakeFirst())?.next_block ?? -1);
      const player = await fundedPlayer(provider);
      await mintCoins(assets, player.address, 50);
      const before = await chips(server, player.address);

      // A deposit that the chain then loses (a reorg of depth 1, under the 3 confirmations).
      const snapshot = (await provider.send('evm_snapshot', [])) as string;
      const lost = await deposit(info.gameAssets, player, COIN, 11);
      const lostId = depositIdOf(info.chainId, lost);
      // The watcher has read up to head - 2 with the deposit's block at the head: not credited.
      await waitFor(async () => (await cursor()) >= lost.blockNumber - 1, { what: 'the watcher to poll with the deposit at the head', timeout: 60_000 });
      expect((await credits(database, lostId)).rows).toHaveLength(0);
      await provider.send('evm_revert', [snapshot]);
      expect(await new Contract(info.gameAssets, assets.interface, provider).getFunction('balanceOf')(player.address, COIN)).toBe(50n);
      for (let i = 0; i < 4; i++) await provider.send('evm_mine', []);
      const head = await provider.getBlockNumber();
      await waitFor(async () => (await cursor()) >= head - 1, { what: 'the watcher to read past the lost block', timeout: 60_000 });
      expect(await credits(database, lostId)).toEqual({ entries: [], rows: [] });

      // A deposit that stays: not credited at depth 1 or 2, credited at depth 3, once.
      const kept = await deposit(info.gameAssets, player, COIN, 9);
      const keptId = depositIdOf(info.chainId, kept);
      for (const depth of [1, 2]) {
        await waitFor(async () => (await cursor()) >= kept.blockNumber - 2 + depth, { what: `the watcher to poll at depth ${depth}`, timeout: 60_000 });
        expect((await credits(database, keptId)).rows, `depth ${depth}`).toHaveLength(0);
        expect(await chips(server, player.address)).toBe(before);
        await provider.send('evm_mine', []);
      }
      await waitFor(async () => (await credits(database, keptId)).rows.length === 1, { what: 'the deposit credited at 3 confirmations', timeout: 60_000 });
      expect(await chips(server, player.address)).toBe(before + 9 * UNITS);
      expect((await credits(database, keptId)).entries).toHaveLength(1);
    },
    timeoutWithStarts(1, 240_000),
  );
});
