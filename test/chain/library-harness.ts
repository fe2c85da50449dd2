/**
 * The test-only harness of the on-chain libraries (FairplayAlpha, OutcomeStream, RaidLoot),
 * deployed on a fresh anvil (../helpers/solidity-harness.ts compiles it as the server's contracts are).
 * The libraries are not in the server's compiled set (server/chain/compile.ts): the harness
 * exposes their pure functions, which the tests call with eth_call.
 */
import { Contract, JsonRpcProvider, Interface } from 'ethers';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { deployTestContract } from '../helpers/solidity-harness.ts';

export interface Harness {
  readonly node: AnvilNode;
  readonly provider: JsonRpcProvider;
  readonly contract: Contract;
  close(): Promise<void>;
}

/** Starts anvil and deploys the harness on it. */
export async function startHarness(): Promise<Harness> {
  const node = await startAnvil();
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const contract = await deployTestContract('FairplayLibrariesHarness', await provider.getSigner(0));
  return {
    node,
    provider,
    contract,
    async close() {
      provider.destroy();
      await node.stop();
    },
  };
}

/** The custom error name an eth_call reverted with (throws if it did not revert). */
export async function revertName(iface: Interface, call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    const parsed = data ? iface.parseError(data) : null;
    return parsed?.name ?? `unparsed revert: ${(e as Error).message.slice(0, 200)}`;
  }
  throw new Error('expected a revert');
}
