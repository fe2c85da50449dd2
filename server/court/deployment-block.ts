/**
 * The block a contract was deployed in, found by bisecting `eth_getCode` over block numbers:
 * about log2(head) calls, once, for a watcher with no cursor yet (the first start after a
 * deployment it did not make). Needs a node that answers state at past blocks (anvil does; on a
 * public chain an archive endpoint, or give the block instead).
 * @module
 */
import type { Provider } from 'ethers';

export async function findDeploymentBlock(provider: Provider, address: string): Promise<number> {
  let high = await provider.getBlockNumber();
  if ((await provider.getCode(address, high)) === '0x') throw new Error(`no contract at ${address}`);
  let low = 0;
  // Invariant: code at `high`; none before `low`.
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((await provider.getCode(address, mid)) === '0x') low = mid + 1;
    else high = mid;
  }
  return high;
}
