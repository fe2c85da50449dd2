/**
 * The two implementations of the edwards25519 suites, side by side in one process, so a test can
 * run the same checks on each: the `@noble/curves` reference and the libsodium fast path (built
 * here directly, not through `vrfReady()`, so the switch in `vrf/backend.ts` is not involved).
 * P-256 suites have one implementation; both names give it.
 */
import sodium from 'libsodium-wrappers-sumo';
import type { EcvrfSuiteInternals } from '../../vrf/ecvrf.ts';
import { edwardsPrimitives } from '../../vrf/backend.ts';
import { sodiumEdwardsSuite } from '../../vrf/sodium-ed25519.ts';
import { internalSuites, REFERENCE_EDWARDS25519_SHA512_ELL2, REFERENCE_EDWARDS25519_SHA512_TAI } from '../../vrf/suites.ts';

await sodium.ready;
/** The primitives `vrfReady()` uses (the raw WebAssembly exports). */
const primitives = edwardsPrimitives(sodium);

export const BACKENDS = ['noble', 'libsodium'] as const;
export type Backend = (typeof BACKENDS)[number];

const references: Record<string, typeof REFERENCE_EDWARDS25519_SHA512_TAI> = {
  [REFERENCE_EDWARDS25519_SHA512_TAI.name]: REFERENCE_EDWARDS25519_SHA512_TAI,
  [REFERENCE_EDWARDS25519_SHA512_ELL2.name]: REFERENCE_EDWARDS25519_SHA512_ELL2,
};
const fast: Record<string, EcvrfSuiteInternals> = Object.fromEntries(
  Object.entries(references).map(([name, ref]) => [name, Object.freeze({ ...ref, ...sodiumEdwardsSuite(primitives, ref) })]),
);

/** The suite `name` as implemented by `backend`. */
export function suiteOn(backend: Backend, name: string): EcvrfSuiteInternals {
  const ref = references[name];
  if (!ref) {
    const p256 = internalSuites[name];
    if (!p256) throw new Error(`unknown suite ${name}`);
    return p256;
  }
  return backend === 'noble' ? ref : fast[name]!;
}
