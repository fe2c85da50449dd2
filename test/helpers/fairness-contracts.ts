/**
 * A test's own anvil with the fairness contracts' factories: each test file deploys what it needs
 * with the node's funded accounts, moves the node's clock with `evm_increaseTime`, and reads a
 * revert back as the custom error's name.
 */
import { Contract, ContractFactory, Interface, JsonRpcProvider, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { readArtifact, type ContractName } from '../../server/chain/artifact.ts';

export interface FairnessChain {
  readonly node: AnvilNode;
  readonly provider: JsonRpcProvider;
  /** The node's funded accounts 0..5. */
  readonly signers: readonly JsonRpcSigner[];
  deploy(name: ContractName, from: JsonRpcSigner, ...args: unknown[]): Promise<Contract>;
  /** The latest block's timestamp, in seconds. */
  now(): Promise<number>;
  /** Moves the node's clock `seconds` on and mines a block there. */
  advance(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFairnessChain(): Promise<FairnessChain> {
  const node = await startAnvil();
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const signers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)));
  return {
    node,
    provider,
    signers,
    async deploy(name, from, ...args) {
      const { abi, bytecode } = readArtifact(name);
      const deployed = await (await new ContractFactory(abi as never, bytecode, from).deploy(...args)).waitForDeployment();
      return new Contract(await deployed.getAddress(), abi as never, from);
    },
    async now() {
      return (await provider.getBlock('latest'))!.timestamp;
    },
    async advance(seconds) {
      await provider.send('evm_increaseTime', [seconds]);
      await provider.send('evm_mine', []);
    },
    async close() {
      provider.destroy();
      await node.stop();
    },
  };
}

/** Every contract's errors, so a revert from a nested call (a court payment, a receiver hook) is named too. */
const errors = new Interface([...new Set((['GameAssets', 'FairnessRegistry', 'RevealCourt'] as const).flatMap((n) => new Interface(readArtifact(n).abi as never).fragments.filter((f) => f.type === 'error').map((f) => f.format('full'))))]);

/** The custom error a transaction reverted with, by name (throws if it did not revert). */
export async function revertOf(tx: Promise<unknown>): Promise<string> {
  return (await revertError(tx)).name;
}

/** The custom error a transaction reverted with, its name and arguments (throws if it did not revert). */
export async function revertError(tx: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await (await (tx as Promise<{ wait(): Promise<unknown> }>)).wait();
  } catch (e) {
    const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    const parsed = data ? errors.parseError(data) : null;
    return parsed ? { name: parsed.name, args: [...parsed.args] } : { name: `unparsed revert: ${(e as Error).message.slice(0, 200)}`, args: [] };
  }
  throw new Error('expected a revert');
}

/** Sends a transaction and waits for its receipt. */
export async function mined(tx: Promise<unknown>): Promise<TransactionReceipt> {
  return (await (await (tx as Promise<{ wait(): Promise<TransactionReceipt> }>)).wait())!;
}

/** Gas a transaction spent beyond its intrinsic cost (21,000 and its calldata, EIP-2028), so two calls differing in calldata bytes compare on execution alone. */
export function executionGas(receipt: TransactionReceipt, data: string): bigint {
  const bytes = Buffer.from(data.slice(2), 'hex');
  const calldata = bytes.reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
  return receipt.gasUsed - 21_000n - BigInt(calldata);
}
