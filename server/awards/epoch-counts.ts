/**
 * How many awards each player had minted in the current cap epoch, for the fair order's ranks
 * (`fair-order.ts`), read from the mint log rather than remembered, so a restarted minter (or a
 * new lease holder in a cluster) keeps the order it had. An award's epoch is its block's
 * (GameAssets: `block.timestamp / epochLength`), so the epoch's mints are those in blocks from
 * the first one whose timestamp is at or after the epoch's start: found by bisection, about
 * log2(height) block reads once per epoch and per start.
 * @module
 */
import { toQuantity, type JsonRpcProvider } from 'ethers';
import type { MintLog } from './mint-log.ts';

/** The number of the first block with a timestamp at or after `timestamp` (seconds); the head's + 1 if none. */
export async function firstBlockFrom(provider: JsonRpcProvider, timestamp: bigint): Promise<number> {
  const timeOf = async (n: number): Promise<bigint> => {
    const block = (await provider.send('eth_getBlockByNumber', [toQuantity(n), false])) as { timestamp?: string } | null;
    if (!block?.timestamp) throw new Error(`the node has no block ${n} below its head`);
    return BigInt(block.timestamp);
  };
  const head = Number(BigInt((await provider.send('eth_blockNumber', [])) as string));
  if ((await timeOf(head)) < timestamp) return head + 1;
  let low = 0;
  let high = head; // the answer is in [low, high]
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((await timeOf(mid)) >= timestamp) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Awards minted in the epoch (as GameAssets numbers it), by player in lower case. */
export async function mintedInEpochByPlayer(provider: JsonRpcProvider, mints: MintLog, epoch: bigint, epochLength: bigint): Promise<Map<string, number>> {
  return mints.mintedPerPlayerFrom(await firstBlockFrom(provider, epoch * epochLength));
}
