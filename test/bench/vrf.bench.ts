/**
 * VRF throughput against plain signatures on the same curve, measured in one interleaved run:
 * prove vs `sign` and verify vs `verify` of `@noble/curves` ed25519 / p256, for all four RFC 9381
 * suites. The ratios are what we hold ourselves to (an ECVRF proof costs roughly two to three
 * scalar multiplications more than a signature, so ~0.3-0.5x is the realistic range).
 * Those rows measure the `@noble/curves` reference (today's `vrf/` path before `vrfReady()`).
 * The edwards25519 suites also run on the libsodium backend, compared with that reference on the
 * same suite in the same interleaved run (issue 18: prove >= 3x, verify >= 2.5x).
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import sodium from 'libsodium-wrappers-sumo';
import { suites, type EcvrfSuite, type SuiteName } from '../../vrf/index.ts';
import { edwardsPrimitives } from '../../vrf/backend.ts';
import { sodiumEdwardsSuite } from '../../vrf/sodium-ed25519.ts';
import { REFERENCE_EDWARDS25519_SHA512_ELL2, REFERENCE_EDWARDS25519_SHA512_TAI } from '../../vrf/suites.ts';
import { type BenchCase, type Column, formatTable, type MeasureOptions, measureInterleaved, pairedRatio, RATIO_COLUMNS, ratioCells, type RatioRow } from './harness.ts';

export interface VrfRow extends RatioRow {
  suite: SuiteName;
  op: 'prove' | 'verify';
  /** Which implementation the row measures. */
  backend: 'noble' | 'libsodium';
}

export interface Target {
  name: string;
  ratio: number;
  target: number;
  met: boolean;
}

export interface VrfBenchResult {
  rows: VrfRow[];
  targets: Target[];
  /** The printable table of `rows`. */
  table: string;
}

const POOL_SIZE = 64;
/** Fixed secret key: first byte 0x01 so it is a valid P-256 scalar too. */
const SECRET_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 1) & 0xff);

/** A fresh 32-byte message: a tag byte, then the counter (big endian), then a fixed filler. */
function message(tag: number, counter: number): Uint8Array {
  const m = new Uint8Array(32).fill(0x5a);
  m[0] = tag;
  new DataView(m.buffer).setUint32(1, counter >>> 0);
  return m;
}

const TAG_PROVE = 0x01;
const TAG_POOL = 0x02;

const ED_SUITES = ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-EDWARDS25519-SHA512-ELL2'] as const;
const P256_SUITES = ['ECVRF-P256-SHA256-TAI', 'ECVRF-P256-SHA256-SSWU'] as const;

interface Comparison {
  suite: SuiteName;
  op: 'prove' | 'verify';
  backend?: 'libsodium';
  baseline: string;
  target: number | null;
}

/** The reference implementation of each suite, whatever `vrfReady()` did in this process. */
const REFERENCE: Record<SuiteName, EcvrfSuite> = {
  ...suites,
  [REFERENCE_EDWARDS25519_SHA512_TAI.name]: REFERENCE_EDWARDS25519_SHA512_TAI,
  [REFERENCE_EDWARDS25519_SHA512_ELL2.name]: REFERENCE_EDWARDS25519_SHA512_ELL2,
};

const COMPARISONS: readonly Comparison[] = [
  ...ED_SUITES.map((suite) => ({ suite, op: 'prove' as const, baseline: 'ed25519.sign', target: 0.3 })),
  ...ED_SUITES.map((suite) => ({ suite, op: 'verify' as const, baseline: 'ed25519.verify', target: 0.45 })),
  ...P256_SUITES.map((suite) => ({ suite, op: 'prove' as const, baseline: 'p256.sign', target: null })),
  ...P256_SUITES.map((suite) => ({ suite, op: 'verify' as const, baseline: 'p256.verify', target: 0.45 })),
  ...ED_SUITES.map((suite) => ({ suite, op: 'prove' as const, backend: 'libsodium' as const, baseline: `${suite} prove`, target: 3.0 })),
  ...ED_SUITES.map((suite) => ({ suite, op: 'verify' as const, backend: 'libsodium' as const, baseline: `${suite} verify`, target: 2.5 })),
];

function baselineCases(): BenchCase[] {
  const sk = SECRET_KEY;
  const edPk = ed25519.getPublicKey(sk);
  const pPk = p256.getPublicKey(sk);
  // ECDSA over a 32-byte message hash: { prehash: false } signs the bytes as the digest.
  const ecdsaOpts = { prehash: false } as const;
  const edPool = Array.from({ length: POOL_SIZE }, (_, i) => {
    const msg = message(TAG_POOL, i);
    return { msg, sig: ed25519.sign(msg, sk) };
  });
  const pPool = Array.from({ length: POOL_SIZE }, (_, i) => {
    const msg = message(TAG_POOL, i);
    return { msg, sig: p256.sign(msg, sk, ecdsaOpts) };
  });
  for (const { msg, sig } of edPool)
    if (!ed25519.verify(sig, msg, edPk)) throw new Error('baseline ed25519 pool does not verify');
  for (const { msg, sig } of pPool)
    if (!p256.verify(sig, msg, pPk, ecdsaOpts)) throw new Error('baseline p256 pool does not verify');
  return [
    { name: 'ed25519.sign', fn: (i) => ed25519.sign(message(TAG_PROVE, i), sk) },
    {
      name: 'ed25519.verify',
      fn: (i) => {
        const { msg, sig } = edPool[i % POOL_SIZE]!;
        if (!ed25519.verify(sig, msg, edPk)) throw new Error('ed25519.verify failed');
      },
    },
    { name: 'p256.sign', fn: (i) => p256.sign(message(TAG_PROVE, i), sk, ecdsaOpts) },
    {
      name: 'p256.verify',
      fn: (i) => {
        const { msg, sig } = pPool[i % POOL_SIZE]!;
        if (!p256.verify(sig, msg, pPk, ecdsaOpts)) throw new Error('p256.verify failed');
      },
    },
  ];
}

function vrfCases(name: string, suite: EcvrfSuite): { prove: BenchCase; verify: BenchCase } {
  const sk = SECRET_KEY;
  const pk = suite.publicKey(sk);
  const pool = Array.from({ length: POOL_SIZE }, (_, i) => {
    const alpha = message(TAG_POOL, i);
    return { alpha, pi: suite.prove(sk, alpha) };
  });
  for (const { alpha, pi } of pool) {
    const r = suite.verify(pk, alpha, pi);
    if (!r.valid) throw new Error(`${name}: pool proof does not verify (${r.reason})`);
  }
  return {
    prove: { name: `${name} prove`, fn: (i) => suite.prove(sk, message(TAG_PROVE, i)) },
    verify: {
      name: `${name} verify`,
      fn: (i) => {
        const { alpha, pi } = pool[i % POOL_SIZE]!;
        const r = suite.verify(pk, alpha, pi);
        if (!r.valid) throw new Error(`${name} verify failed: ${r.reason}`);
        return r.beta;
      },
    },
  };
}

const COLUMNS: readonly Column[] = [
  { header: 'suite' },
  { header: 'op' },
  { header: 'backend' },
  ...RATIO_COLUMNS,
];

export function formatVrfTable(rows: readonly VrfRow[]): string {
  return formatTable(
    COLUMNS,
    rows.map((r) => [
      r.suite,
      r.op,
      r.backend,
      ...ratioCells(r),
    ]),
  );
}

/**
 * Measures the four baselines and prove/verify of every suite in one interleaved run. Cases are
 * ordered so each baseline sits next to the candidates compared with it.
 */
export async function benchVrf(opts: MeasureOptions = {}): Promise<VrfBenchResult> {
  await sodium.ready;
  const primitives = edwardsPrimitives(sodium); // what vrfReady() installs
  const cases = new Map(baselineCases().map((c) => [c.name, c]));
  const add = ({ prove, verify }: { prove: BenchCase; verify: BenchCase }) => {
    cases.set(prove.name, prove);
    cases.set(verify.name, verify);
  };
  for (const name of Object.keys(suites) as SuiteName[]) add(vrfCases(name, REFERENCE[name]));
  for (const name of ED_SUITES) {
    const reference = REFERENCE[name] as typeof REFERENCE_EDWARDS25519_SHA512_TAI;
    add(vrfCases(`${name} libsodium`, { ...reference, ...sodiumEdwardsSuite(primitives, reference) }));
  }
  const pick = (name: string): BenchCase => {
    const c = cases.get(name);
    if (!c) throw new Error(`no bench case ${name}`);
    return c;
  };
  const order: BenchCase[] = [];
  for (const group of [
    ['ed25519.sign', ...ED_SUITES.flatMap((s) => [`${s} prove`, `${s} libsodium prove`])],
    ['ed25519.verify', ...ED_SUITES.flatMap((s) => [`${s} verify`, `${s} libsodium verify`])],
    ['p256.sign', ...P256_SUITES.map((s) => `${s} prove`)],
    ['p256.verify', ...P256_SUITES.map((s) => `${s} verify`)],
  ])
    order.push(...group.map(pick));

  const results = new Map(measureInterleaved(order, opts).map((m) => [m.name, m]));
  const get = (name: string) => {
    const m = results.get(name);
    if (!m) throw new Error(`no measurement for ${name}`);
    return m;
  };

  const rows: VrfRow[] = COMPARISONS.map(({ suite, op, backend, baseline, target }) => {
    const cand = get(backend ? `${suite} ${backend} ${op}` : `${suite} ${op}`);
    const ref = get(baseline);
    const { ratio, spread } = pairedRatio(cand, ref);
    return {
      suite,
      op,
      backend: backend ?? 'noble',
      opsPerSec: cand.opsPerSec,
      baseline,
      baselineOpsPerSec: ref.opsPerSec,
      ratio,
      ratioSpread: spread,
      target,
      met: target === null ? null : ratio >= target,
    };
  });
  const targets: Target[] = rows.flatMap((r) =>
    r.target === null
      ? []
      : [{ name: `${r.suite} ${r.backend === 'noble' ? '' : `${r.backend} `}${r.op} / ${r.baseline}`, ratio: r.ratio, target: r.target, met: r.met === true }],
  );
  return { rows, targets, table: formatVrfTable(rows) };
}
