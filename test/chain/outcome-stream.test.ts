/**
 * OutcomeStream.sol against vrf/outcome.ts (fairplay-outcome-v1): the worked example's published
 * draws, then `OutcomeReader` over seeded random betas (32 and 64 bytes) and sequences of ranges
 * chosen where mistakes hide (n = 1, powers of two and their neighbours, 2^53, ranges that reject
 * half their attempts, a beta that rejects every byte), comparing every value and the bytes
 * consumed, so the SHA-256 blocks after beta are read too. Then weights, and the refusals. On
 * anvil, by eth_call on the test-only harness.
 */
import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RANGE, OutcomeReader } from '../../vrf/outcome.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { revertName, startHarness, type Harness } from './library-harness.ts';
import { hex, randomBeta, WORKED } from './onchain-vectors.ts';

let harness: Harness;
let lib: Contract;

beforeAll(async () => {
  harness = await startHarness();
  lib = harness.contract;
});

afterAll(async () => {
  await harness?.close();
});

async function chainInts(beta: Uint8Array, ns: readonly number[]): Promise<{ values: number[]; consumed: number }> {
  const [values, consumed] = (await lib.getFunction('ints')(hex(beta), ns.map(BigInt))) as [bigint[], bigint];
  return { values: values.map(Number), consumed: Number(consumed) };
}

function tsInts(beta: Uint8Array, ns: readonly number[]): { values: number[]; consumed: number } {
  const reader = new OutcomeReader(beta);
  const values = ns.map((n) => reader.int(n));
  return { values, consumed: reader.bytesConsumed };
}

/** A range where bugs hide: 1, 2^k and its neighbours, 2^53, 2^k + 1 (about half the attempts rejected), or any. */
function randomRange(rng: SeededRandom): number {
  const k = rng.int(1, 53);
  switch (rng.int(0, 5)) {
    case 0:
      return 1;
    case 1:
      return 2 ** k;
    case 2:
      return Math.min(2 ** k + 1, MAX_RANGE);
    case 3:
      return 2 ** k - 1 || 1;
    case 4:
      return MAX_RANGE;
    default:
      return rng.int(1, 2 ** rng.int(1, 53) - 1) || 1;
  }
}

describe('OutcomeStream.nextInt', () => {
  it.each(WORKED.streams.map((v) => [v.what, v] as const))('gives the worked example’s published draws (%s)', async (_what, v) => {
    const got = await chainInts(hexToBytes(v.beta), v.ints);
    expect(got.values).toEqual(v.values);
    if (v.consumed !== undefined) expect(got.consumed).toBe(v.consumed);
  });

  it('reads what OutcomeReader reads over random betas and ranges, byte for byte', async () => {
    const rng = seededRandom('outcome-stream random ranges');
    let pastBeta = 0;
    for (let i = 0; i < 60; i++) {
      const beta = randomBeta(rng);
      const ns = Array.from({ length: rng.int(1, 40) }, () => randomRange(rng));
      const expected = tsInts(beta, ns);
      expect(await chainInts(beta, ns), `beta ${hex(beta)}, ranges ${ns.join(', ')}`).toEqual(expected);
      if (expected.consumed > beta.length + 32) pastBeta++;
    }
    // The hash blocks after beta, the second one included, were read in several of the cases.
    expect(pastBeta).toBeGreaterThan(3);
  });

  it('rejects as often as it must: half the attempts for 2^k + 1, every byte of an all-0xff beta', async () => {
    const rng = seededRandom('outcome-stream rejections');
    for (let i = 0; i < 10; i++) {
      const beta = randomBeta(rng);
      const ns = Array.from({ length: 20 }, () => 2 ** rng.int(0, 7) + 1);
      expect(await chainInts(beta, ns)).toEqual(tsInts(beta, ns));
    }
    for (const length of [32, 64]) {
      const beta = new Uint8Array(length).fill(0xff);
      // 255 rejects 0xff: beta is consumed whole before the first value, which comes from B(0) on.
      const ns = [255, 255, 255, 2 ** 53 - 1, 3];
      const expected = tsInts(beta, ns);
      expect(expected.consumed).toBeGreaterThan(length);
      expect(await chainInts(beta, ns)).toEqual(expected);
    }
  });

  it('refuses a range outside [1, 2^53] and a beta of another length, as the TypeScript does', async () => {
    const beta = new Uint8Array(32).fill(7);
    for (const n of [0n, 2n ** 53n + 2n, 2n ** 255n]) {
      expect(() => new OutcomeReader(beta).int(Number(n))).toThrow();
      expect(await revertName(lib.interface, lib.getFunction('uniformInt')(hex(beta), n))).toBe('RangeOutOfBounds');
    }
    // 2^53 + 1 is no JS number (it rounds to 2^53, which is allowed): the contract alone sees it.
    expect(await revertName(lib.interface, lib.getFunction('uniformInt')(hex(beta), 2n ** 53n + 1n))).toBe('RangeOutOfBounds');
    for (const length of [0, 31, 33, 63, 65]) {
      expect(() => new OutcomeReader(new Uint8Array(length))).toThrow();
      expect(await revertName(lib.interface, lib.getFunction('uniformInt')(hex(new Uint8Array(length)), 6))).toBe('BetaLength');
    }
  });
});

describe('OutcomeStream.nextWeighted', () => {
  function randomWeights(rng: SeededRandom): number[] {
    const length = rng.int(1, 12);
    const top = 2 ** rng.int(0, Math.floor(53 - Math.log2(length)));
    const weights = Array.from({ length }, () => (rng.int(0, 4) === 0 ? 0 : rng.int(0, top - 1)));
    if (!weights.some((w) => w > 0)) weights[rng.int(0, length - 1)] = 1;
    return weights;
  }

  it('picks what OutcomeReader.weighted picks, reading as many bytes', async () => {
    const rng = seededRandom('outcome-stream weights');
    for (let i = 0; i < 50; i++) {
      const beta = randomBeta(rng);
      const weights = randomWeights(rng);
      const reader = new OutcomeReader(beta);
      const index = reader.weighted(weights);
      const [got, consumed] = (await lib.getFunction('weighted')(hex(beta), weights.map(BigInt))) as [bigint, bigint];
      expect({ index: Number(got), consumed: Number(consumed) }, `beta ${hex(beta)}, weights ${weights.join(', ')}`).toEqual({ index, consumed: reader.bytesConsumed });
    }
  });

  it('refuses the weights the TypeScript refuses', async () => {
    const beta = new Uint8Array(64).fill(3);
    const refused: bigint[][] = [[], [0n], [0n, 0n], [2n ** 53n], [2n ** 52n, 2n ** 52n, 1n], [2n ** 256n - 1n, 1n]];
    for (const weights of refused) {
      expect(() => new OutcomeReader(beta).weighted(weights.map(Number))).toThrow();
      expect(await revertName(lib.interface, lib.getFunction('weighted')(hex(beta), weights))).toMatch(/^(NoWeights|WeightsSumOutOfBounds)$/);
    }
    // The largest sum both accept: 2^53 in all.
    const edge = [1, 2 ** 53 - 1];
    const reader = new OutcomeReader(beta);
    const [index, consumed] = (await lib.getFunction('weighted')(hex(beta), edge.map(BigInt))) as [bigint, bigint];
    expect({ index: Number(index), consumed: Number(consumed) }).toEqual({ index: reader.weighted(edge), consumed: reader.bytesConsumed });
  });
});
