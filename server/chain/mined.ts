/**
 * Waits for a transaction the server sent during deployment by asking for its receipt, every
 * 25 ms. Not ethers' `wait()` or `waitForDeployment()`: when the receipt is not there at their
 * first look they wait for the next block, and an automining node (the embedded anvil) that
 * sealed the transaction's block just before they began to watch seals no other until another
 * transaction comes, so they could wait for ever (a server start hung that way under load).
 * @module
 */
import type { Provider, TransactionReceipt } from 'ethers';

const POLL_MS = 25;
const TIMEOUT_MS = 120_000;

/** The receipt of `tx` once mined; throws when it reverted, or after two minutes without one. */
export async function mined(provider: Provider, tx: { readonly hash: string } | null): Promise<TransactionReceipt> {
  if (!tx) throw new Error('no transaction to wait for');
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(tx.hash);
    if (receipt) {
      if (receipt.status !== 1) throw new Error(`transaction ${tx.hash} reverted`);
      return receipt;
    }
    if (Date.now() > deadline) throw new Error(`transaction ${tx.hash} was not mined within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
