/**
 * Hostile deposits against a real server and its embedded chain, with an honest bettor playing
 * throughout: a GameAssets of the attacker's own emitting `Deposited` for a million coins is not
 * credited (the watcher reads the server's contract only); deposits the contract refuses (an item,
 * zero, more than held) burn and credit nothing; thirty deposits mined in one block are each
 * credited once (their ids differ by log index).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract, ContractFactory } from 'ethers';
import { readArtifact } from '../../server/chain/artifact.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { COIN, deposit, embeddedAdmin, fundedPlayer, mintCoins, revertName, type EmbeddedAdmin } from '../helpers/coins.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const M = 1_000_000;
let server: ServerProcess;
let admin: EmbeddedAdmin;
let database: Database;
let gameAssets: string;

beforeAll(async () => {
  server = await startServerProcess();
  gameAssets = ((await (await fetch(`${server.url}/fairness`)).json()) as { chain: { gameAssets: string } }).chain.gameAssets;
  admin = embeddedAdmin(server.dataDir, gameAssets);
  database = await openDatabase(await serverPlace(server.dataDir));
}, 90_000);

afterAll(async () => {
  admin?.close();
  await database?.close();
  await server?.stop();
});

const chipsOf = async (address: string): Promise<number> => ((await (await fetch(`${server.url}/players/${address}/chips`)).json()) as { balance: number }).balance;
const depositRows = (address: string) => database.db.selectFrom('deposits').selectAll().where('address', '=', address.toLowerCase()).execute();

describe('hostile deposits', () => {
  it('credits only the server contract’s deposits, each once, and the honest bettor plays on', { timeout: 240_000 }, async () => {
    const attacker = await fundedPlayer(admin.provider);
    // Coins minted with the server's minter key before anything else sends with it (the bettor's wins do, later).
    await mintCoins(admin.assets, attacker.address, 100);
    const before = await chipsOf(attacker.address);
    const bettor = await HonestBettor.start(server.url);

    // 1. A contract of the attacker's own that says it burned a million coins.
    const { abi, bytecode } = readArtifact();
    const fake = (await (await new ContractFactory(abi as never, bytecode, attacker).deploy('x', attacker.address, 86_400)).waitForDeployment()) as Contract;
    await (await fake.getFunction('grantRole')(await fake.getFunction('MINTER_ROLE')(), attacker.address)).wait();
    await (await fake.getFunction('configureToken')(COIN, 10n ** 12n, 10n ** 12n)).wait();
    await (await fake.getFunction('mintAwards')([attacker.address], [COIN], [1_000_000], ['0x' + '42'.repeat(32)])).wait();
    await (await fake.getFunction('setDepositable')(COIN, true)).wait();
    const forged = await deposit(await fake.getAddress(), attacker, COIN, 1_000_000);

    // 2. What the contract refuses: nothing burned.
    expect(await revertName(deposit(gameAssets, attacker, 101, 1))).toBe('NotDepositable');
    expect(await revertName(deposit(gameAssets, attacker, COIN, 0))).toBe('ZeroDeposit');
    expect(await revertName(deposit(gameAssets, attacker, COIN, 101))).toBe('ERC1155InsufficientBalance');

    // 3. Thirty deposits of 1 coin in one block.
    const assets = new Contract(gameAssets, abi as never, attacker);
    const nonce = await admin.provider.getTransactionCount(attacker.address, 'pending');
    await admin.provider.send('evm_setAutomine', [false]);
    const hashes: string[] = [];
    try {
      for (let i = 0; i < 30; i++) hashes.push((await assets.getFunction('deposit')(COIN, 1, { nonce: nonce + i, gasLimit: 100_000 })).hash as string);
      await admin.provider.send('evm_mine', []);
    } finally {
      await admin.provider.send('evm_setAutomine', [true]);
    }
    const receipts = await Promise.all(hashes.map((h) => admin.provider.waitForTransaction(h)));
    expect(new Set(receipts.map((r) => r!.blockNumber)).size).toBe(1);
    expect(receipts.every((r) => r!.status === 1)).toBe(true);

    await waitFor(async () => (await depositRows(attacker.address)).length >= 30, { what: 'the thirty deposits credited', timeout: 60_000 });
    // The watcher has read past the forged event's block too.
    await waitFor(async () => Number((await database.db.selectFrom('deposit_cursors').select('next_block').executeTakeFirst())?.next_block ?? 0) > Math.max(forged.blockNumber, receipts[0]!.blockNumber), { what: 'the watcher past both blocks' });
    const rows = await depositRows(attacker.address);
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.deposit_id)).size).toBe(30);
    expect(rows.every((r) => Number(r.coins) === 1)).toBe(true);
    expect(rows.some((r) => r.tx_hash === forged.hash.toLowerCase())).toBe(false);
    expect(await chipsOf(attacker.address)).toBe(before + 30 * M);
    expect(await admin.assets.getFunction('balanceOf')(attacker.address, COIN)).toBe(70n);

    const report = await bettor.stop();
    console.log(describeHonest('honest bettor during the hostile deposits', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
