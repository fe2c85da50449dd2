/**
 * The test-only harness of the on-chain libraries (FairplayAlpha, OutcomeStream, RaidLoot),
 * compiled here with solc-js under the server's compiler settings and deployed on a fresh anvil.
 * The libraries are not in the server's compiled set (server/chain/compile.ts): the harness
 * exposes their pure functions, which the tests call with eth_call.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, ContractFactory, JsonRpcProvider, Interface } from 'ethers';
import solc from 'solc';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HARNESS = 'test/chain/contracts/FairplayLibrariesHarness.sol';

/** Imports by source unit name: OpenZeppelin from node_modules, the rest from the repository. */
function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(path.startsWith('@') ? require.resolve(path) : join(ROOT, path), 'utf8') };
  } catch {
    return { error: `not found: ${path}` };
  }
}

function compileHarness(): { abi: unknown[]; bytecode: string } {
  const input = {
    language: 'Solidity',
    sources: { [HARNESS]: { content: readFileSync(join(ROOT, HARNESS), 'utf8') } },
    // The server's settings (compile.ts), so the libraries are tested as GameAssets would build them.
    settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`the harness does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts[HARNESS]!['FairplayLibrariesHarness']!;
  return { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
}

export interface Harness {
  readonly node: AnvilNode;
  readonly provider: JsonRpcProvider;
  readonly contract: Contract;
  close(): Promise<void>;
}

/** Starts anvil and deploys the harness on it. */
export async function startHarness(): Promise<Harness> {
  const { abi, bytecode } = compileHarness();
  const node = await startAnvil();
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const factory = new ContractFactory(abi as never, bytecode, await provider.getSigner(0));
  const contract = (await (await factory.deploy()).waitForDeployment()) as Contract;
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
