/**
 * Test-only contracts (test/chain/contracts/*.sol): compiled now from today's sources with the
 * server's compiler settings (`compileSolidity`), so a library is tested as the server's contracts
 * build it, and deployed with a signer, or on a test file's own anvil. They are never part of the server's artifacts.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, ContractFactory, JsonRpcProvider, type Interface, type Signer } from 'ethers';
import { afterAll, beforeAll } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { compileSolidity, type CompiledContract } from '../../server/chain/compile.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The contract `name` of `test/chain/contracts/<name>.sol`, compiled. */
export function compileTestContract(name: string): CompiledContract {
  const unit = `test/chain/contracts/${name}.sol`;
  return compileSolidity({ [unit]: readFileSync(join(ROOT, unit), 'utf8') })[unit]![name]!;
}

/** Compiles the test contract `name` and deploys it with `signer`. */
export async function deployTestContract(name: string, signer: Signer): Promise<Contract> {
  const { abi, bytecode } = compileTestContract(name);
  const factory = new ContractFactory(abi as never, bytecode, signer);
  return (await (await factory.deploy()).waitForDeployment()) as Contract;
}

/**
 * For a test file: starts anvil and deploys the test contract `name` before the file's tests,
 * stops it after them. The contract is what the returned function gives, once deployed.
 */
export function testContractOnAnvil(name: string): () => Contract {
  let node: AnvilNode | undefined;
  let provider: JsonRpcProvider | undefined;
  let contract: Contract | undefined;
  beforeAll(async () => {
    node = await startAnvil();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    contract = await deployTestContract(name, await provider.getSigner(0));
  }, 60_000);
  afterAll(async () => {
    provider?.destroy();
    await node?.stop();
  });
  return () => {
    if (!contract) throw new Error(`${name} is not deployed yet: call it from a test`);
    return contract;
  };
}

/** The custom error name a call reverted with (throws if it did not revert). */
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
