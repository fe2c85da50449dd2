/**
 * Compiles the contracts (GameAssets, FairnessRegistry, RevealCourt) with solc-js (the compiler
 * ships inside the npm package: no network, no separate toolchain) against OpenZeppelin from
 * node_modules, in one compiler run. `npm run compile-contracts` writes the artifacts that the
 * server deploys; a test recompiles and checks they still match.
 * Development time only: the server reads the artifacts (artifact.ts) and never loads solc.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { artifactFile, CONTRACT_NAMES, type Artifact, type ContractName } from './artifact.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import solc from 'solc';

const require = createRequire(import.meta.url);

const here = dirname(fileURLToPath(import.meta.url));
export const sourceFile = (name: ContractName): string => join(here, 'contracts', `${name}.sol`);
export const SOURCE = sourceFile('GameAssets');
export { ARTIFACT, artifactFile, CONTRACT_NAMES, readArtifact, type Artifact, type ContractName } from './artifact.ts';

const ROOT = join(here, '..', '..');

/**
 * Imports by source unit name: OpenZeppelin from node_modules; a bare name (`./VrfSecp256k1.sol`
 * seen from a contract of the compiled set) from `contracts/`; any other path from the repository
 * root (a test harness importing `server/chain/contracts/...`).
 */
function findImport(path: string): { contents: string } | { error: string } {
  const candidates = path.startsWith('@') ? [() => require.resolve(path)] : [() => join(here, 'contracts', path), () => join(ROOT, path)];
  for (const file of candidates) {
    try {
      return { contents: readFileSync(file(), 'utf8') };
    } catch {
      // the next place
    }
  }
  return { error: `not found: ${path}` };
}

/** A compiled contract as solc gives it: its ABI and creation bytecode (0x-prefixed). */
export interface CompiledContract {
  readonly abi: unknown[];
  readonly bytecode: string;
}

/**
 * Compiles `sources` (source unit name to text) in one solc run with the settings every contract
 * of the project is built with: Cancun (OpenZeppelin 5.7 uses MCOPY), the optimizer at 200 runs.
 * Throws with solc's messages if anything fails to compile.
 */
export function compileSolidity(sources: Readonly<Record<string, string>>): Record<string, Record<string, CompiledContract>> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([unit, content]) => [unit, { content }])),
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`the contracts do not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  return Object.fromEntries(
    Object.entries(output.contracts).map(([unit, contracts]) => [
      unit,
      Object.fromEntries(Object.entries(contracts).map(([name, c]) => [name, { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object }])),
    ]),
  );
}

/** Every contract, compiled from today's sources, by name. */
export function compileContracts(): { [N in ContractName]: Artifact<N> } {
  const output = compileSolidity(Object.fromEntries(CONTRACT_NAMES.map((n) => [`${n}.sol`, readFileSync(sourceFile(n), 'utf8')])));
  const artifact = <N extends ContractName>(name: N): Artifact<N> => ({ contractName: name, compiler: solc.version(), ...output[`${name}.sol`]![name]! });
  return { GameAssets: artifact('GameAssets'), FairnessRegistry: artifact('FairnessRegistry'), RevealCourt: artifact('RevealCourt') };
}

/** GameAssets alone, compiled from today's sources. */
export function compileGameAssets(): Artifact<'GameAssets'> {
  return compileContracts().GameAssets;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const artifact of Object.values(compileContracts())) {
    writeFileSync(artifactFile(artifact.contractName), JSON.stringify(artifact, null, 2) + '\n');
    console.log(`wrote ${artifactFile(artifact.contractName)}`);
  }
}
