/**
 * Fair minting on a real node (anvil) and a real SQL outbox: a backlog of one player does not
 * delay another's first award of the epoch, a capped player does not hold others, the last of a
 * global cap goes one award per player first, awards below their token's minimum accumulate and
 * mint together (also as a process of a cluster that does not mint tells it), and every confirmed
 * mint records its gas; the epoch's counts survive a restart of the minter.
 */
import { Wallet } from 'ethers';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAwardMetrics } from '../../server/awards/award-metrics.ts';
import { firstBlockFrom } from '../../server/awards/epoch-counts.ts';
import { LeasedMinter } from '../../server/awards/leased-minter.ts';
import type { Lease } from '../../server/cluster/cluster-node.ts';
import { pino } from 'pino';
import type { Award } from '../../server/awards/award-sink.ts';
import { bytesToHex, sha256, utf8ToBytes } from '../../vrf/protocol/encoding.ts';
import { makeAwards, startMintChain, until, type MintChainOptions } from '../helpers/mint-chain.ts';

const chains: Awaited<ReturnType<typeof startMintChain>>[] = [];
afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.close()));
});

const player = (name: string) => new Wallet(bytesToHex(sha256(utf8ToBytes(`fair minting ${name}`)))).address;
const [W, X, Y, Z] = ['w', 'x', 'y', 'z'].map(player) as [string, string, string, string];
const ITEM = 101;

async function setup(opts: MintChainOptions) {
  const chain = await startMintChain(opts);
  chains.push(chain);
  return chain;
}

/** `count` awards of `who`, numbered from `from`, each of `amount` of the token. */
const awardsOf = (who: string, from: number, count: number, amount = 1, tokenId = 1): Award[] => makeAwards(from, count, [who]).map((a) => ({ ...a, amount, tokenId }));

describe('fair minting on a real node', () => {
  it("mints a later player's one award in the first batch, ahead of another's backlog", async () => {
    const t = await setup({ batchSize: 10 });
    const backlog = awardsOf(X, 0, 30);
    const [late] = awardsOf(Y, 30, 1);
    await t.outbox.record([...backlog, late!]);
    const m = t.minter();
    await until('all minted', () => m.pendingCount === 0);
    const statuses = await m.statuses([late!, ...backlog].map((a) => a.awardId));
    const blocks = statuses.map((s) => (s.status === 'minted' ? s.blockNumber : Number.NaN));
    console.log(`backlog of 30 awards and 1 later award, batches of 10: the later award in block ${blocks[0]}, the backlog in blocks ${Math.min(...blocks.slice(1))}-${Math.max(...blocks.slice(1))}`);
    // Outbox order would have put it in the fourth and last batch.
    expect(new Set(blocks).size).toBe(4);
    expect(blocks[0]).toBe(Math.min(...blocks));
  });

  it("holds a player over the per-player cap without holding another's award", async () => {
    const t = await setup({ playerEpochCap: 10n, batchSize: 2 });
    const capped = awardsOf(X, 0, 5, 6);
    const [other] = awardsOf(Y, 5, 1, 3);
    await t.outbox.record([...capped, other!]);
    const m = t.minter();
    await until('one of X minted, the rest capped, Y minted', async () => (await m.statuses([other!, ...capped.slice(1)].map((a) => a.awardId))).map((s) => s.status).join() === 'minted,capped,capped,capped,capped');
    expect(m.pendingCount).toBe(4);
    expect([await t.balance(X), await t.balance(Y)]).toEqual([6n, 3n]);
  });

  it("counts a player's awards minted this epoch across a restart of the minter", async () => {
    const t = await setup({ batchSize: 1 });
    const m1 = t.minter();
    await t.outbox.record(awardsOf(W, 0, 3));
    await until('3 minted to W', () => m1.pendingCount === 0);
    await m1.stop();
    // W's fourth award was recorded first, but W has had 3 this epoch and Y none.
    const [w4, y1] = [awardsOf(W, 3, 1)[0]!, awardsOf(Y, 4, 1)[0]!];
    await t.outbox.record([w4, y1]);
    const m2 = t.minter();
    await until('both minted', () => m2.pendingCount === 0);
    const [sw, sy] = await m2.statuses([w4.awardId, y1.awardId]);
    expect(sy!.status === 'minted' && sw!.status === 'minted' && sy!.blockNumber < sw!.blockNumber).toBe(true);
    // The epoch's first block: the bisection's edges.
    const head = await t.provider.getBlockNumber();
    expect(await firstBlockFrom(t.provider, 0n)).toBe(0);
    expect(await firstBlockFrom(t.provider, BigInt((await t.provider.getBlock(head))!.timestamp) + 1n)).toBe(head + 1);
    expect(await firstBlockFrom(t.provider, BigInt((await t.provider.getBlock(head))!.timestamp))).toBeLessThanOrEqual(head);
  });

  it('gives the last of a global cap one award per player first', async () => {
    const t = await setup({ epochCap: 10n });
    const m = t.minter();
    await t.outbox.record(awardsOf(W, 0, 7));
    await until('7 of the cap of 10 minted', async () => m.pendingCount === 0 && (await t.balance(W)) === 7n);
    // X's backlog first in the outbox, then one award each of Y and Z, all at once.
    const xs = awardsOf(X, 10, 5);
    const [y, z] = [awardsOf(Y, 15, 1)[0]!, awardsOf(Z, 16, 1)[0]!];
    await t.outbox.record([...xs, y, z]);
    await until('the cap filled', async () => m.pendingCount === 4 && (await m.statuses(xs.slice(1).map((a) => a.awardId))).every((s) => s.status === 'capped'));
    expect([await t.balance(X), await t.balance(Y), await t.balance(Z)]).toEqual([1n, 1n, 1n]);
    const registry = new Registry();
    registerAwardMetrics(registry, { contract: t.assets, tokenIds: [1], waiting: () => m.waiting() });
    const text = await registry.metrics();
    console.log(text.split('\n').filter((l) => l.startsWith('fairplay_')).join('\n'));
    expect(text).toContain('fairplay_epoch_cap_use_ratio{token="1"} 1');
    expect(text).toContain('fairplay_epoch_minted{token="1"} 10');
    expect(text).toContain('fairplay_awards_capped{token="1"} 4');
  });

  it('keeps awards below their token minimum accumulating, then mints them together in one transaction', async () => {
    const t = await setup({ itemTokens: [ITEM], minAwardAmounts: new Map([[ITEM, 3]]) });
    const m = t.minter();
    const items = awardsOf(X, 0, 3, 1, ITEM);
    const [coin] = awardsOf(X, 3, 1);
    await t.outbox.record([items[0]!, coin!]);
    await until('the first accumulating, the coin minted', async () => {
      const [s, c] = await m.statuses([items[0]!.awardId, coin!.awardId]);
      return s?.status === 'accumulating' && c?.status === 'minted';
    });
    expect(await m.status(items[0]!.awardId)).toEqual({ status: 'accumulating', have: 1, need: 3 });
    await t.outbox.record([items[1]!]);
    await until('two accumulating', async () => (await m.status(items[1]!.awardId)).status === 'accumulating' && (await m.status(items[0]!.awardId)).status === 'accumulating' && m.waiting().accumulating.get(ITEM) === 2);
    expect(await m.status(items[1]!.awardId)).toEqual({ status: 'accumulating', have: 2, need: 3 });
    await t.outbox.record([items[2]!]);
    await until('all three minted', async () => (await m.statuses(items.map((a) => a.awardId))).every((s) => s.status === 'minted'));
    const hashes = new Set((await m.statuses(items.map((a) => a.awardId))).map((s) => (s.status === 'minted' ? s.txHash : '')));
    expect(hashes.size).toBe(1);
    expect((await t.assets.getFunction('balanceOf')(X, ITEM)) as bigint).toBe(3n);
  });

  it("says accumulating from a process of a cluster that does not mint (another holds the minter's lease)", async () => {
    const t = await setup({ itemTokens: [ITEM], minAwardAmounts: new Map([[ITEM, 3]]) });
    // A lease another process holds: this one never mints, and answers from the database.
    const elsewhere = { held: false, heldFor: () => false, acquire: async () => false, release: async () => undefined } as unknown as Lease;
    const follower = new LeasedMinter({ lease: elsewhere, outbox: t.outbox, mints: t.mints, makeMinter: () => t.minter(), log: pino({ level: 'silent' }), minAwardAmounts: new Map([[ITEM, 3]]) });
    const items = awardsOf(X, 0, 2, 1, ITEM);
    const [coin] = awardsOf(X, 2, 1);
    await t.outbox.record([...items, coin!]);
    expect(await follower.statuses([...items, coin!].map((a) => a.awardId))).toEqual([
      { status: 'accumulating', have: 2, need: 3 },
      { status: 'accumulating', have: 2, need: 3 },
      { status: 'pending' },
    ]);
  });

  it("records each confirmed mint transaction's gas used and price, as its receipt has them", async () => {
    const t = await setup({ batchSize: 5 });
    const m = t.minter();
    await t.outbox.record([...awardsOf(X, 0, 1), ...awardsOf(Y, 1, 10)]);
    await until('all minted', () => m.pendingCount === 0);
    const rows = await t.database.db.selectFrom('mint_txs').select(['hash', 'gas_used', 'gas_price', 'award_ids']).where('state', '=', 'confirmed').execute();
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      const receipt = (await t.provider.getTransactionReceipt(r.hash))!;
      expect([r.gas_used, r.gas_price]).toEqual([receipt.gasUsed.toString(), receipt.gasPrice.toString()]);
      expect(BigInt(r.gas_used!)).toBeGreaterThan(0n);
      const awards = (JSON.parse(r.award_ids!) as string[]).length;
      console.log(`mint transaction of ${awards} award(s): ${r.gas_used} gas, ${Math.round(Number(r.gas_used) / awards)} gas per award, at ${r.gas_price} wei per gas`);
    }
  });
});
