/**
 * Hostile (to the player): awards below their token's minimum accumulate and go as one unit,
 * whole into one batch; a unit whose total is above what the per-player cap leaves in the epoch
 * was set aside as capped, and since the unit only grows, a backlog above the per-player cap
 * never minted again. The unit's longest part that fits (still at least the minimum) must go;
 * the rest waits for the next epoch. On a real node (anvil) and a real SQL outbox.
 */
import { Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Award } from '../../server/awards/award-sink.ts';
import { bytesToHex, sha256, utf8ToBytes } from '../../vrf/protocol/encoding.ts';
import { makeAwards, startMintChain, until } from '../helpers/mint-chain.ts';

const chains: Awaited<ReturnType<typeof startMintChain>>[] = [];
afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.close()));
});

const X = new Wallet(bytesToHex(sha256(utf8ToBytes('accumulated cap x')))).address;
const awardsOf = (who: string, from: number, count: number): Award[] => makeAwards(from, count, [who]).map((a) => ({ ...a, amount: 1, tokenId: 1 }));

describe('an accumulated unit above the per-player cap', () => {
  it('mints the part that fits this epoch instead of waiting forever', { timeout: 120_000 }, async () => {
    const t = await startMintChain({ playerEpochCap: 10n, batchSize: 50, minAwardAmounts: new Map([[1, 3]]) });
    chains.push(t);
    const backlog = awardsOf(X, 0, 12);
    await t.outbox.record(backlog);
    const m = t.minter();
    await until('as much minted as the cap allows, the rest capped', async () => {
      const statuses = (await m.statuses(backlog.map((a) => a.awardId))).map((s) => s.status);
      const minted = statuses.filter((s) => s === 'minted').length;
      return minted >= 3 && minted + statuses.filter((s) => s === 'capped' || s === 'accumulating').length === backlog.length && m.pendingCount === backlog.length - minted;
    });
    const balance = await t.balance(X);
    console.log(`12 awards of 1 coin, minimum 3, per-player cap 10: ${balance} minted this epoch, ${m.pendingCount} waiting`);
    expect(balance).toBeGreaterThanOrEqual(3n);
    expect(balance).toBeLessThanOrEqual(10n);
  });
});
