/**
 * Compiles GameAssets.sol with solc-js (the compiler ships inside the npm package: no network,
 * no separate toolchain) against OpenZeppelin from node_modules. `npm run compile-contracts`
 * writes the artifact that the server deploys; a test recompiles and checks it still matches.
 * Development time only: the server reads the artifact (artifact.ts) and never loads solc.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ARTIFACT, type Artifact } from './artifact.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import solc from 'solc';

const require = createRequire(import.meta.url);

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE = join(here, 'contracts', 'GameAssets.sol');
export { ARTIFACT, readArtifact, type Artifact } from './artifact.ts';

function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch {
    return { error: `not found: ${path}` };
  }
}

export function compileGameAssets(): Artifact {
  const input = {
    language: 'Solidity',
    sources: { 'GameAssets.sol': { content: readFileSync(SOURCE, 'utf8') } },
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
  if (errors.length) throw new Error(`GameAssets.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts['GameAssets.sol']!['GameAssets']!;
  return { contractName: 'GameAssets', compiler: solc.version(), abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ARTIFACT, JSON.stringify(compileGameAssets(), null, 2) + '\n');
  console.log(`wrote ${ARTIFACT}`);
}
