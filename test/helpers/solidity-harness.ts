/**
 * Test-only contracts (test/chain/contracts/*.sol): compiled now from today's sources with the
 * server's compiler settings (`compileSolidity`), so a library is tested as the server's contracts
 * build it, and deployed with a signer. They are never part of the server's artifacts.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, ContractFactory, type Signer } from 'ethers';
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
