/**
 * The VrfSecp256k1 library behind a test-only harness contract (test/chain/contracts), compiled
 * with solc-js under the same settings as the server's contracts and deployed on a node, for the
 * chain tests and the `vrf-chain` bench.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, ContractFactory, type Signer } from 'ethers';
import solc from 'solc';
import type { Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CONTRACTS = join(here, '../../server/chain/contracts');
const HARNESS = join(here, '../chain/contracts/VrfSecp256k1Harness.sol');

/** The harness's ABI and bytecode, compiled now from today's sources. */
export function compileHarness(): { abi: unknown[]; bytecode: string } {
  const source = (path: string) => ({ content: readFileSync(path, 'utf8') });
  const input = {
    language: 'Solidity',
    sources: {
      'Secp256k1.sol': source(join(CONTRACTS, 'Secp256k1.sol')),
      'VrfSecp256k1.sol': source(join(CONTRACTS, 'VrfSecp256k1.sol')),
      'VrfSecp256k1Harness.sol': source(HARNESS),
    },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`VrfSecp256k1Harness does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = output.contracts['VrfSecp256k1Harness.sol']!['VrfSecp256k1Harness']!;
  return { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
}

/** Compiles and deploys the harness with `signer`. */
export async function deployHarness(signer: Signer): Promise<Contract> {
  const { abi, bytecode } = compileHarness();
  const factory = new ContractFactory(abi as never, bytecode, signer);
  return (await (await factory.deploy()).waitForDeployment()) as Contract;
}

/** The witnesses as ethers encodes a `Witnesses` struct argument. */
export function witnessArg(w: Secp256k1Witnesses): unknown[] {
  return [BigInt(w.ctr), [...w.nonResidueRoots], [...w.u], [...w.sH], [...w.cGamma], [...w.v]];
}
