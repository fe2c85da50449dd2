/**
 * The compiled contracts, read as JSON: the server deploys them without loading the Solidity
 * compiler (`npm run compile-contracts` writes them at development time).
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The contracts the project ships, each compiled from `contracts/<Name>.sol`. */
export const CONTRACT_NAMES = ['GameAssets', 'FairnessRegistry', 'RevealCourt'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** Where the artifact of `name` is kept. */
export const artifactFile = (name: ContractName): string => join(ARTIFACTS, `${name}.json`);
/** GameAssets' artifact file. */
export const ARTIFACT = artifactFile('GameAssets');

export interface Artifact<N extends ContractName = ContractName> {
  readonly contractName: N;
  readonly compiler: string;
  readonly abi: unknown[];
  readonly bytecode: string;
}

/** The artifact of `name` (GameAssets when not named). */
export function readArtifact<N extends ContractName = 'GameAssets'>(name?: N): Artifact<N> {
  return JSON.parse(readFileSync(artifactFile(name ?? 'GameAssets'), 'utf8')) as Artifact<N>;
}
