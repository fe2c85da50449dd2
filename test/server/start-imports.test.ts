/**
 * The server starts without build tools: neither the Solidity compiler nor Vite is in the module
 * graph of `server/main.ts` (the contract artifact is read as JSON, the client is built before
 * the server starts). Checked statically with esbuild's metafile, dynamic game imports included.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const BUILD_TOOLS = /^(solc|vite)(\/|$)/;

async function packagesImportedBy(entry: string): Promise<Set<string>> {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'esm', packages: 'external', metafile: true, logLevel: 'silent' });
  return new Set(Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)));
}

describe('what the server loads to start', () => {
  it('imports neither solc nor vite, and loads every game room', async () => {
    const packages = await packagesImportedBy('server/main.ts');
    expect([...packages].filter((p) => BUILD_TOOLS.test(p))).toEqual([]);
    expect(packages.has('@colyseus/core')).toBe(true);
  });

  it('the check sees a build tool where one is imported (the client build script, the compiler script)', async () => {
    expect([...(await packagesImportedBy('server/client-build.ts'))].some((p) => BUILD_TOOLS.test(p))).toBe(true);
    expect([...(await packagesImportedBy('server/chain/compile.ts'))].some((p) => BUILD_TOOLS.test(p))).toBe(true);
  });
});
