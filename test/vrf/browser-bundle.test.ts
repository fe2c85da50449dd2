import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { vectorSuites } from './vectors.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

// What a browser build sees: no Node built-ins to resolve, no Node globals to lean on.
const browserBuild = (entry: string): BuildOptions => ({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  globalName: 'bundle',
  write: false,
  metafile: true,
  logLevel: 'silent',
});

describe('vrf/ bundles for the browser', () => {
  it('bundles with no Node-only import and runs in a context without Node globals', async () => {
    const result = await build(
      browserBuild(`export * from './vrf/index.ts'; export * as outcome from './vrf/outcome.ts';`),
    );
    const inputs = Object.keys(result.metafile!.inputs);
    // node_modules may be a symlink (a git worktree, pnpm): esbuild then names its real path.
    // libsodium's Emscripten loader names Node's `crypto` on a branch for Node only; its package
    // maps it to nothing for browsers ("browser": { "crypto": false }), which esbuild shows as
    // "(disabled):crypto". The sandbox below (no require, no process) shows nothing else is needed.
    const allowed = (i: string) =>
      i.startsWith('vrf/') || /(^|\/)node_modules\/(@noble\/|libsodium-sumo\/|libsodium-wrappers-sumo\/)/.test(i) || i === '<stdin>' || i === '(disabled):crypto';
    expect(inputs.filter((i) => !allowed(i))).toEqual([]);
    expect(inputs.some((i) => i === 'vrf/cli.ts')).toBe(false);

    const code = result.outputFiles![0]!.text;
    const sandbox: Record<string, unknown> = {
      crypto: { getRandomValues: <T extends ArrayBufferView>(a: T) => globalThis.crypto.getRandomValues(a) },
      TextEncoder,
    };
    runInNewContext(`${code}; globalThis.bundle = bundle;`, sandbox);
    for (const name of ['process', 'Buffer', 'require']) expect(name in sandbox).toBe(false);

    const vrf = sandbox['bundle'] as typeof import('../../vrf/index.ts');
    checkVectors(vrf);
    // And again on libsodium, loaded as WebAssembly in the same Node-free context.
    expect(await vrf.vrfReady()).toBe('libsodium');
    expect(vrf.vrfBackend()).toBe('libsodium');
    checkVectors(vrf);
  });

  function checkVectors(vrf: typeof import('../../vrf/index.ts')): void {
    for (const [name, vs] of Object.entries(vectorSuites)) {
      const e = vs.examples[0]!;
      const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
      const suite = vrf.getSuite(name);
      const pi = suite.prove(hex(e.sk), hex(e.alpha));
      expect(Array.from(pi)).toEqual(Array.from(hex(e.pi)));
      const res = suite.verify(hex(e.pk), hex(e.alpha), pi);
      expect(res.valid && Array.from(res.beta)).toEqual(Array.from(hex(e.beta)));
    }
  }

  it('the chain checks (registry entries, anchor proofs, the registry reader) bundle too, and fold a proof there as in Node', async () => {
    const result = await build(
      browserBuild(`export * from './vrf/protocol/anchor-proof.ts'; export * from './vrf/protocol/registry-check.ts'; export * from './vrf/protocol/chain-registry.ts';`),
    );
    expect(Object.keys(result.metafile!.inputs).filter((i) => i.startsWith('node:'))).toEqual([]);
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder };
    sandbox['self'] = sandbox; // a page's global, which ethers looks for
    runInNewContext(`${result.outputFiles![0]!.text}; globalThis.bundle = bundle;`, sandbox);
    for (const name of ['process', 'Buffer', 'require']) expect(name in sandbox).toBe(false);
    const inPage = sandbox['bundle'] as typeof import('../../vrf/protocol/anchor-proof.ts');
    const { anchorLeafHash, foldProof } = await import('../../vrf/protocol/anchor-proof.ts');
    const leaf = { roomId: 'room-é', lastSeq: 41, headHash: 'ab'.repeat(32) };
    const proof = ['0x' + '01'.repeat(32), '0x' + 'fe'.repeat(32)];
    expect(inPage.foldProof(inPage.anchorLeafHash(leaf), proof)).toBe(foldProof(anchorLeafHash(leaf), proof));
  });

  it('the secp256k1 witnesses bundle with @noble alone and give the same bytes there', async () => {
    const result = await build(browserBuild(`export * from './vrf/secp256k1-witnesses.ts';`));
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => !(i === '<stdin>' || i === 'vrf/secp256k1-witnesses.ts' || /(^|\/)node_modules\/@noble\//.test(i)))).toEqual([]);
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`${result.outputFiles![0]!.text}; globalThis.bundle = bundle;`, sandbox);
    const inPage = sandbox['bundle'] as typeof import('../../vrf/secp256k1-witnesses.ts');
    const { encodeWitnesses, fastVerifyWitnesses } = await import('../../vrf/secp256k1-witnesses.ts');
    const { getSuite } = await import('../../vrf/index.ts');
    const suite = getSuite('ECVRF-SECP256K1-SHA256-TAI');
    const sk = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
    const alpha = new TextEncoder().encode('browser');
    const [pk, pi] = [suite.publicKey(sk), suite.prove(sk, alpha)];
    expect(Array.from(inPage.encodeWitnesses(inPage.fastVerifyWitnesses(pk, pi, alpha)))).toEqual(Array.from(encodeWitnesses(fastVerifyWitnesses(pk, pi, alpha))));
  });

  it('the same build fails when a Node-only module slips in (control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrf-bundle-'));
    const leak = join(dir, 'leak.ts');
    writeFileSync(leak, `import { createHash } from 'node:crypto'; export const h = createHash('sha256');`);
    await expect(build(browserBuild(`export * from ${JSON.stringify(leak)};`))).rejects.toThrow(/node:crypto/);
  });
});
