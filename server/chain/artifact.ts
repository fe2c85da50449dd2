/**
 * The compiled GameAssets contract, read as JSON: the server deploys it without loading the
 * Solidity compiler (`npm run compile-contracts` writes it at development time).
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACT = join(dirname(fileURLToPath(import.meta.url)), 'artifacts', 'GameAssets.json');

export interface Artifact {
  readonly contractName: 'GameAssets';
  readonly compiler: string;
  readonly abi: unknown[];
  readonly bytecode: string;
}

export function readArtifact(): Artifact {
  return JSON.parse(readFileSync(ARTIFACT, 'utf8')) as Artifact;
}
