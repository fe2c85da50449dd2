/**
 * Which implementation answers for the edwards25519 suites: the `@noble/curves` reference until
 * `vrfReady()` has loaded libsodium (WebAssembly, asynchronous by nature), the libsodium fast
 * path after. The switch changes speed only: both give byte-identical proofs and outputs and the
 * same verdicts (see `sodium-ed25519.ts`), so a caller that never awaits `vrfReady()` is still
 * correct, just slower. The P-256 and secp256k1 suites always run on the reference.
 *
 * libsodium is imported dynamically so that a page that never verifies does not download it,
 * and so that a bundler puts it in its own chunk.
 * @module
 */
import type { EcvrfSuiteInternals } from './ecvrf.ts';
import { sodiumEdwardsSuite, type FastOperations, type SodiumEd25519 } from './sodium-ed25519.ts';
import { isRawSodium, rawSodiumEd25519 } from './sodium-raw.ts';

/** The implementation currently answering for the edwards25519 suites. */
export type VrfBackend = 'noble' | 'libsodium';

interface Switchable {
  readonly reference: EcvrfSuiteInternals;
  fast?: FastOperations;
}

const switchables: Switchable[] = [];
let loading: Promise<VrfBackend> | undefined;

/**
 * A suite whose prove/verify/proofToHash/publicKey go to the fast path once one is installed.
 * Everything else (traces, encode_to_curve, nonce) stays on the reference, which tests compare
 * with the RFC's intermediate values.
 */
export function switchableSuite(reference: EcvrfSuiteInternals): EcvrfSuiteInternals {
  const slot: Switchable = { reference };
  switchables.push(slot);
  const ops = (): FastOperations => slot.fast ?? reference;
  return Object.freeze({
    ...reference,
    publicKey: (sk: Uint8Array) => ops().publicKey(sk),
    prove: (sk: Uint8Array, alpha: Uint8Array) => ops().prove(sk, alpha),
    proveWithOutput: (sk: Uint8Array, alpha: Uint8Array) => ops().proveWithOutput(sk, alpha),
    verify: (pk: Uint8Array, alpha: Uint8Array, pi: Uint8Array) => ops().verify(pk, alpha, pi),
    proofToHash: (pi: Uint8Array) => ops().proofToHash(pi),
  });
}

/**
 * The primitives of a loaded libsodium-wrappers: its raw exports when the build has them (see
 * `sodium-raw.ts`: same functions, a sixth faster per prove), else the wrapper functions.
 */
export function edwardsPrimitives(sodium: SodiumEd25519 & { libsodium?: unknown }): SodiumEd25519 {
  const raw: unknown = sodium.libsodium;
  return isRawSodium(raw) ? rawSodiumEd25519(raw) : sodium;
}

/**
 * Loads libsodium and switches the edwards25519 suites to it. Idempotent; resolves to the
 * backend in use. Where WebAssembly cannot be instantiated (a locked-down page, say), the
 * suites stay on the reference and this resolves to 'noble' rather than failing the caller.
 */
export function vrfReady(): Promise<VrfBackend> {
  loading ??= (async () => {
    try {
      const sodium = (await import('libsodium-wrappers-sumo')).default;
      await sodium.ready;
      const primitives = edwardsPrimitives(sodium);
      for (const slot of switchables) slot.fast = sodiumEdwardsSuite(primitives, slot.reference);
      return 'libsodium' as const;
    } catch {
      return 'noble' as const;
    }
  })();
  return loading;
}

/** The backend answering now: 'libsodium' once `vrfReady()` has resolved to it. */
export function vrfBackend(): VrfBackend {
  return switchables.some((s) => s.fast) ? 'libsodium' : 'noble';
}
