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

/** Imports: OpenZeppelin from node_modules, the libraries the contracts share from `contracts/`. */
function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(path.startsWith('@') ? require.resolve(path) : join(here, 'contracts', path), 'utf8') };
  } catch {
    return { error: `not found: ${path}` };
  }
}

/** Every contract, compiled from today's sources, by name. */
export function compileContracts(): { [N in ContractName]: Artifact<N> } {
  const sources = Object.fromEntries(CONTRACT_NAMES.map((n) => [`${n}.sol`, { content: readFileSync(sourceFile(n), 'utf8') }]));
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      // OpenZeppelin 5.7 uses MCOPY: the target chain must support Cancun.
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
  const artifact = <N extends ContractName>(name: N): Artifact<N> => {
    const contract = output.contracts[`${name}.sol`]![name]!;
    return { contractName: name, compiler: solc.version(), abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object };
  };
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
