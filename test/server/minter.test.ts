import { Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlAwardOutbox } from '../../server/awards/sql-award-outbox.ts';
import { openDatabase } from '../../server/db/database.ts';
import { bytesToHex, sha256, utf8ToBytes } from '../../vrf/protocol/encoding.ts';
import { EPOCH_SECONDS, makeAwards as awardsTo, startMintChain, until } from '../helpers/mint-chain.ts';

const chains: Awaited<ReturnType<typeof startMintChain>>[] = [];
afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.close()));
});

const PLAYERS = Array.from({ length: 5 }, (_, i) => new Wallet(bytesToHex(sha256(utf8ToBytes(`player ${i}`)))).address);
const makeAwards = (from: number, count: number, players = PLAYERS) => awardsTo(from, count, players);

async function setup(playerEpochCap?: bigint) {
  const chain = await startMintChain(playerEpochCap === undefined ? {} : { playerEpochCap });
  chains.push(chain);
  /** What the outbox owes the player. */
  const expected = async (player: string) => (await chain.all()).filter((a) => a.player === player).reduce((sum, a) => sum + BigInt(a.amount), 0n);
  return { ...chain, expected };
}

describe('the award minter on a real node', () => {
  it('mints every award once, in batches, and names each award\'s transaction', async () => {
    const t = await setup();
    const m = t.minter();
    for (let i = 0; i < 250; i += 50) await t.outbox.record(makeAwards(i, 50));
    await until('all minted', () => m.pendingCount === 0);
    const statuses = await m.statuses((await t.all()).map((a) => a.awardId));
    expect(statuses.every((s) => s.status === 'minted')).toBe(true);
    const txs = new Set(statuses.map((s) => (s.status === 'minted' ? s.txHash : '')));
    expect(txs.size).toBeGreaterThan(1);
    expect(txs.size).toBeLessThan(20);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
    const event = t.assets.interface.getEvent('AwardMinted')!;
    const logs = await t.provider.getLogs({ address: await t.assets.getAddress(), topics: [event.topicHash], fromBlock: 0 });
    expect(logs).toHaveLength(250);
    const receipt = await t.provider.getTransactionReceipt([...txs][0]!);
    expect(receipt?.status).toBe(1);
  });

  it('mints the awards another process records in the shared database, found by polling', async () => {
    const t = await setup();
    const m = t.minter();
    const database = await openDatabase({ dataDir: t.dataDir });
    try {
      const elsewhere = new SqlAwardOutbox(database, [1]);
      const awards = makeAwards(0, 30);
      await until('the minter started, with nothing to mint', () => m.pendingCount === 0);
      await elsewhere.record(awards.slice(0, 20));
      await t.outbox.record(awards.slice(10)); // some recorded by both: once each
      await until('all minted', async () => (await m.statuses(awards.map((a) => a.awardId))).every((s) => s.status === 'minted'));
      expect(m.pendingCount).toBe(0);
      for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
    } finally {
      await database.close();
    }
  });

  it('holds awards over the player cap until the next epoch, and says so', async () => {
    const t = await setup(20n);
    const m = t.minter();
    const player = PLAYERS[0]!;
    const awards = makeAwards(0, 5, [player]).map((a) => ({ ...a, amount: 7 }));
    await t.outbox.record(awards);
    await until('cap reached', async () => m.pendingCount === 3 && (await m.statuses(awards.slice(2).map((a) => a.awardId))).every((s) => s.status === 'capped'));
    expect(await t.balance(player)).toBe(14n);
    const capped = await m.status(awards[2]!.awardId);
    expect(capped.status === 'capped' && Date.parse(capped.until) > Date.now()).toBe(true);
    // No block is sealed: the embedded node's latest block stays in the old epoch, the pending one does not.
    await t.provider.send('evm_increaseTime', [EPOCH_SECONDS]);
    await t.outbox.record(makeAwards(100, 1, [PLAYERS[1]!])); // wakes the minter
    await until('next epoch minted', () => m.pendingCount === 1);
    expect(await t.balance(player)).toBe(28n);
  });

  it('mints again what the node lost, and only that', async () => {
    const t = await setup();
    await t.outbox.record(makeAwards(0, 40));
    const m1 = t.minter();
    await until('first awards minted', () => m1.pendingCount === 0);
    const snapshot = await t.provider.send('evm_snapshot', []);
    await t.outbox.record(makeAwards(40, 30));
    await until('second awards minted', () => m1.pendingCount === 0);
    await m1.stop();
    // The node restarts from an older state: the second batch's blocks are gone.
    await t.provider.send('evm_revert', [snapshot]);
    expect(await t.balance(PLAYERS[0]!)).toBeLessThan(await t.expected(PLAYERS[0]!));
    const m2 = t.minter();
    await t.outbox.record(makeAwards(70, 5));
    await until('reminted', () => m2.pendingCount === 0);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
    const voided = await t.voided();
    expect(voided.length).toBeGreaterThan(0);
    expect(voided.every((v) => v.reason?.includes('no longer on the chain'))).toBe(true);
  });

  it('mints again what the node lost while the minter was idle', async () => {
    const t = await setup();
    const m = t.minter();
    await t.outbox.record(makeAwards(0, 10));
    await until('first awards minted', () => m.pendingCount === 0);
    const snapshot = await t.provider.send('evm_snapshot', []);
    await t.outbox.record(makeAwards(10, 10));
    await until('second awards minted', () => m.pendingCount === 0);
    await t.provider.send('evm_revert', [snapshot]); // the minter sleeps: no call of its own fails
    await t.outbox.record(makeAwards(20, 10));
    await until('all minted again', async () => m.pendingCount === 0 && (await t.balance(PLAYERS[0]!)) === (await t.expected(PLAYERS[0]!)));
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
    expect((await m.statuses((await t.all()).map((a) => a.awardId))).every((s) => s.status === 'minted')).toBe(true);
  });

  it('holds an award the contract refuses (a receiver that rejects ERC-1155) and mints the others', async () => {
    const t = await setup();
    const rejecter = new Wallet(bytesToHex(sha256(utf8ToBytes('rejecter')))).address;
    await t.provider.send('anvil_setCode', [rejecter, '0x60006000fd']); // revert(0, 0) on any call
    const awards = makeAwards(0, 21, [...PLAYERS, rejecter]);
    const m = t.minter();
    await t.outbox.record(awards);
    const poisoned = awards.filter((a) => a.player === rejecter);
    await until('the others minted', () => m.pendingCount === poisoned.length);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
    for (const a of poisoned) expect(await m.status(a.awardId)).toEqual({ status: 'pending', note: expect.stringMatching(/^refused by the contract: ERC1155InvalidReceiver/) });
  });

  it('after a crash with a transaction in doubt, sends the same bytes again (one transaction, never two)', async () => {
    const t = await setup();
    await t.provider.send('evm_setAutomine', [false]);
    const m1 = t.minter();
    await t.outbox.record(makeAwards(0, 20));
    await until('a transaction in flight', async () => (await t.mints.unresolved()).length === 1);
    const inDoubt = (await t.mints.unresolved())[0]!;
    await m1.stop();
    // The node forgets its pool (as a restarted node does) and mines again.
    await t.provider.send('anvil_dropAllTransactions', []);
    await t.provider.send('evm_setAutomine', [true]);
    const m2 = t.minter();
    await until('minted after restart', () => m2.pendingCount === 0);
    const hashes = new Set((await m2.statuses((await t.all()).map((a) => a.awardId))).map((s) => (s.status === 'minted' ? s.txHash : 'not minted')));
    expect([...hashes]).toEqual([inDoubt.hash]);
    for (const p of PLAYERS) expect(await t.balance(p)).toBe(await t.expected(p));
  });
});
