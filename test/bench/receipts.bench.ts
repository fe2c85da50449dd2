/**
 * The operator's receipt signature and the recovery of a player's signature, the two secp256k1
 * operations a room does per draw on its event loop: the server's WASM backend
 * (server/fairness/secp256k1-wasm.ts, tiny-secp256k1) against what it replaced, ethers'
 * `SigningKey.sign` and `recoverSigner` on @noble/curves, on the same digests, measured
 * interleaved in one run (harness.ts). Before measuring, it checks that both give the same bytes.
 * @module
 */
import { SigningKey } from 'ethers';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { recoverSigner } from '../../vrf/protocol/eip712.ts';
import { createDigestSigner, recoverAddress } from '../../server/fairness/secp256k1-wasm.ts';
import { type BenchCase, type Column, formatTable, type MeasureOptions, measureInterleaved, pairedRatio, RATIO_COLUMNS, ratioCells, type RatioRow } from './harness.ts';
import type { Target } from './vrf.bench.ts';

export interface ReceiptsRow extends RatioRow {
  op: string;
  candidate: string;
}

const POOL_SIZE = 256;
/** A fixed operator key (a valid scalar); the bench signs nothing anyone keeps. */
const OPERATOR_KEY = '0x' + Array.from({ length: 32 }, (_, i) => ((i * 29 + 7) & 0xff).toString(16).padStart(2, '0')).join('');
const PLAYER_KEY = '0x' + Array.from({ length: 32 }, (_, i) => ((i * 53 + 3) & 0xff).toString(16).padStart(2, '0')).join('');

/** Distinct 32-byte digests, as receipt digests are: keccak of a counter. */
const digests = Array.from({ length: POOL_SIZE }, (_, i) => keccak_256(Uint8Array.of(i >> 8, i & 0xff)));

interface Comparison {
  op: string;
  baseline: BenchCase;
  candidate: BenchCase;
  target: number | null;
}

function comparisons(): Comparison[] {
  const ethersKey = new SigningKey(OPERATOR_KEY);
  const wasmSign = createDigestSigner(OPERATOR_KEY);
  const player = new SigningKey(PLAYER_KEY);
  const signed = digests.map((digest) => ({ digest, signature: player.sign(digest).serialized }));
  // Same bytes, or the comparison means nothing.
  for (const digest of digests)
    if (wasmSign(digest) !== ethersKey.sign(digest).serialized) throw new Error('WASM signature differs from ethers');
  for (const { digest, signature } of signed)
    if (recoverAddress(digest, signature) !== recoverSigner(digest, signature)) throw new Error('WASM recovery differs from noble');
  const pick = (i: number) => signed[i % POOL_SIZE]!;
  return [
    {
      op: 'sign a receipt digest',
      baseline: { name: 'ethers SigningKey.sign', fn: (i) => ethersKey.sign(digests[i % POOL_SIZE]!).serialized },
      candidate: { name: 'tiny-secp256k1 (WASM)', fn: (i) => wasmSign(digests[i % POOL_SIZE]!) },
      target: 3.0,
    },
    {
      op: 'recover a player signer',
      baseline: { name: 'recoverSigner (noble)', fn: (i) => recoverSigner(pick(i).digest, pick(i).signature) },
      candidate: { name: 'recoverAddress (WASM)', fn: (i) => recoverAddress(pick(i).digest, pick(i).signature) },
      target: 3.0,
    },
  ];
}

const COLUMNS: readonly Column[] = [
  { header: 'op' },
  { header: 'candidate' },
  ...RATIO_COLUMNS,
];

function formatReceiptsTable(rows: readonly ReceiptsRow[]): string {
  return formatTable(
    COLUMNS,
    rows.map((r) => [
      r.op,
      r.candidate,
      ...ratioCells(r),
    ]),
  );
}

/** Measures every baseline and candidate in one interleaved run, each candidate next to its baseline. */
export async function benchReceipts(opts: MeasureOptions = {}): Promise<{ rows: ReceiptsRow[]; targets: Target[]; table: string }> {
  const compared = comparisons();
  const results = measureInterleaved(compared.flatMap((c) => [c.baseline, c.candidate]), opts);
  const byName = new Map(results.map((m) => [m.name, m]));
  const rows = compared.map(({ op, baseline, candidate, target }): ReceiptsRow => {
    const cand = byName.get(candidate.name)!;
    const ref = byName.get(baseline.name)!;
    const { ratio, spread } = pairedRatio(cand, ref);
    return {
      op,
      candidate: candidate.name,
      opsPerSec: cand.opsPerSec,
      baseline: baseline.name,
      baselineOpsPerSec: ref.opsPerSec,
      ratio,
      ratioSpread: spread,
      target,
      met: target === null ? null : ratio >= target,
    };
  });
  const targets = rows
    .filter((r) => r.target !== null)
    .map((r) => ({ name: `receipts ${r.op}`, ratio: r.ratio, target: r.target!, met: r.met! }));
  return { rows, targets, table: formatReceiptsTable(rows) };
}
