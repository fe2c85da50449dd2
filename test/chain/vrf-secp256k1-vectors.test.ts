import { JsonRpcProvider, type Contract } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { getSuite } from '../../vrf/index.ts';
import { fastVerifyWitnesses, unverifiedWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { deployHarness, witnessArg } from '../helpers/vrf-secp256k1-harness.ts';

// The suite's committed vectors (test/vectors/secp256k1-fe.json: where they come from is in its
// _about) and the published proofs of earlier drafts (secp256k1-published.json), which vrf/ refuses.
interface Example {
  pk: string;
  alpha: string;
  pi: string;
  beta: string;
  tai_ctr?: number;
  h?: string;
  u?: string;
  v?: string;
}
const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8')) as T;
const ours = read<{ examples: Example[] }>('secp256k1-fe.json').examples;
const published = read<{ sets: Record<string, { examples: Example[] }> }>('secp256k1-published.json').sets;
const suite = getSuite('ECVRF-SECP256K1-SHA256-TAI');
const compressed = (xy: readonly [bigint, bigint]) => bytesToHex(secp256k1.Point.fromAffine({ x: xy[0], y: xy[1] }).toBytes(true));

let node: AnvilNode;
let provider: JsonRpcProvider;
let harness: Contract;

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  harness = await deployHarness(await provider.getSigner(0));
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('VrfSecp256k1 on the suite\'s vectors (anvil)', () => {
  it('accepts every example with verify and fastVerify; the witnesses carry its ctr, U and V; beta matches', async () => {
    expect(ours.length).toBeGreaterThan(0);
    for (const e of ours) {
      const [pk, alpha, pi] = [hexToBytes(e.pk), hexToBytes(e.alpha), hexToBytes(e.pi)];
      const w = fastVerifyWitnesses(pk, pi, alpha);
      expect(w.ctr).toBe(e.tai_ctr);
      expect(compressed(w.u)).toBe(e.u);
      expect(compressed(w.v)).toBe(e.v);
      expect(await harness.getFunction('verify')(pk, pi, alpha)).toBe(true);
      expect(await harness.getFunction('fastVerify')(pk, pi, alpha, witnessArg(w))).toBe(true);
      expect(await harness.getFunction('proofToHash')(pi)).toBe('0x' + e.beta);
    }
  });

  it('refuses the published proofs of earlier drafts, as vrf/ does, with both functions', async () => {
    for (const [source, set] of Object.entries(published)) {
      for (const [i, e] of set.examples.entries()) {
        const [pk, alpha, pi] = [hexToBytes(e.pk), hexToBytes(e.alpha), hexToBytes(e.pi)];
        const label = `${source} #${i}`;
        expect(suite.verify(pk, alpha, pi).valid, label).toBe(false);
        expect(await harness.getFunction('verify')(pk, pi, alpha), label).toBe(false);
        // Witnesses honestly computed from the proof: only the challenge (our rules) tells it apart.
        expect(await harness.getFunction('fastVerify')(pk, pi, alpha, witnessArg(unverifiedWitnesses(pk, pi, alpha))), label).toBe(false);
      }
    }
  });
});
