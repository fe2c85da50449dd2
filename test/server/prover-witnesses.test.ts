/**
 * The prover pool's worker makes the on-chain witnesses of a suite that has them
 * (server/fairness/chain-witnesses.ts): on ECVRF-SECP256K1-SHA256-TAI every proof comes back with
 * exactly what `fastVerifyWitnesses` recomputes, over random alphas of the sizes games use (up to
 * 200 bytes; seeded, replay with TEST_SEED); on an RFC suite no witnesses at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chainWitnessMaker } from '../../server/fairness/chain-witnesses.ts';
import { createProverPool, type Prover } from '../../server/fairness/prover.ts';
import { getSuite, suites } from '../../vrf/index.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { encodeWitnesses, fastVerifyWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { seededRandom } from '../helpers/seed.ts';

const SECP256K1 = 'ECVRF-SECP256K1-SHA256-TAI';
const pools: Prover[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** A one-thread pool for `suite` with a secret key from `random`, and its public key. */
function poolFor(suite: string, random: ReturnType<typeof seededRandom>): { prover: Prover; publicKey: Uint8Array } {
  for (;;) {
    const secretKey = Uint8Array.from({ length: 32 }, () => random.int(0, 255));
    let publicKey: Uint8Array;
    try {
      publicKey = getSuite(suite).publicKey(secretKey);
    } catch {
      continue; // not a valid secret key for the curve (a scalar at or above its order): draw again
    }
    const prover = createProverPool({ suite, secretKey, threads: 1 });
    pools.push(prover);
    return { prover, publicKey };
  }
}

describe('witnesses from the prover worker', () => {
  it('only the secp256k1 suite has a witness maker', () => {
    expect(Object.keys(suites).filter((name) => chainWitnessMaker(name))).toEqual([SECP256K1]);
    expect(chainWitnessMaker('toString')).toBeUndefined();
  });

  it(`${SECP256K1}: every proof comes with the witnesses fastVerifyWitnesses recomputes`, { timeout: 60_000 }, async () => {
    const random = seededRandom('prover witnesses');
    const { prover, publicKey } = poolFor(SECP256K1, random);
    const ctrs = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const alpha = Uint8Array.from({ length: random.int(0, 200) }, () => random.int(0, 255));
      const { pi, beta, witnesses } = await prover.prove(alpha);
      expect(getSuite(SECP256K1).verify(publicKey, alpha, pi)).toEqual({ valid: true, beta });
      const expected = fastVerifyWitnesses(publicKey, pi, alpha);
      expect(witnesses).toBe(bytesToHex(encodeWitnesses(expected)));
      ctrs.add(expected.ctr);
    }
    console.log(`24 proofs, try-and-increment counters seen: ${[...ctrs].sort((a, b) => a - b).join(', ')}`);
  });

  it('an RFC suite: proofs come without witnesses', { timeout: 60_000 }, async () => {
    const random = seededRandom('prover without witnesses');
    for (const suite of ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-P256-SHA256-TAI']) {
      const { prover, publicKey } = poolFor(suite, random.fork(suite));
      const alpha = Uint8Array.from({ length: 40 }, () => random.int(0, 255));
      const proof = await prover.prove(alpha);
      expect(getSuite(suite).verify(publicKey, alpha, proof.pi)).toEqual({ valid: true, beta: proof.beta });
      expect(proof).not.toHaveProperty('witnesses');
    }
  });
});
