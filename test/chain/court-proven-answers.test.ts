/**
 * server/court/proven-answer.ts against real contracts on anvil: a court deployed before proven
 * answers (no `provenAnswer` view; any contract without it stands in for one) takes plain answers
 * for all its cases, so the server keeps answering at earlier courts; an RPC failure is not taken
 * for that and throws (the watcher retries). A proof that does not verify under the registered key
 * gives NoProvenAnswer, and a key of another suite too.
 */
import { JsonRpcProvider, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoProvenAnswer, provenAnswers } from '../../server/court/proven-answer.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { seededRandom } from '../helpers/seed.ts';

const K1 = getSuite('ECVRF-SECP256K1-SHA256-TAI');
const rng = seededRandom('court proven answers, server side');
const hex = (n: number) => bytesToHex(Uint8Array.from({ length: n }, () => rng.int(0, 255)));

let chain: FairnessChain;
let admin: JsonRpcSigner;
let court: string;
let oldCourt: string;
/** The chain's clock after the keys were registered, in ms. */
let chainNowMs: number;
const secret = new Uint8Array(32).fill(9);
const keyId = hex(8);
const edKeyId = hex(8);

beforeAll(async () => {
  chain = await startFairnessChain();
  [admin] = chain.signers as [JsonRpcSigner];
  const adminAddress = await admin.getAddress();
  const registry = await chain.deploy('FairnessRegistry', admin, adminAddress, 86_400);
  await mined(registry.getFunction('registerVrfKey')('0x' + keyId, K1.name, K1.publicKey(secret)));
  await mined(registry.getFunction('registerVrfKey')('0x' + edKeyId, 'ECVRF-EDWARDS25519-SHA512-TAI', '0x' + 'ab'.repeat(32)));
  const assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/{id}.json', adminAddress, 86_400);
  court = await (await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), 1n, 600, 3_600, adminAddress)).getAddress();
  oldCourt = await registry.getAddress(); // no provenAnswer view, no fallback: as a court from before
  chainNowMs = (await chain.now()) * 1000;
});

afterAll(async () => {
  await chain?.close();
});

/** A receipt of `key`, issued at the chain's clock (or at `issuedAt`, ms). */
function receipt(key: string, seed: string, issuedAt = chainNowMs): ReceiptRecord {
  return {
    type: 'receipt', seq: 3, prev: hex(32), roomId: 'raid-x', drawSeq: 1, game: 'raid', kind: 'loot',
    action: { chest: 2, round: 1, table: 'raid-loot-v1' }, players: ['0x' + hex(20)], commitments: [seedCommitment(seed)],
    suite: K1.name, keyId: key, issuedAt, rulesHash: hex(32), revealDeadline: issuedAt + 86_400_000, maxPayout: 0, signature: '0x' + '00'.repeat(65),
  };
}

describe('proven answers, as the server makes them', () => {
  it('takes a court without the provenAnswer view for one that requires none, and throws on an RPC failure', async () => {
    expect(await provenAnswers(oldCourt, chain.provider).required(hex(32))).toBe(false);
    expect(await provenAnswers(court, chain.provider).required(hex(32))).toBe(false); // no such case
    const dead = new JsonRpcProvider('http://127.0.0.1:9', 31337, { staticNetwork: true });
    try {
      await expect(provenAnswers(court, dead).required(hex(32))).rejects.toThrow();
    } finally {
      dead.destroy();
    }
  });

  it('refuses, as NoProvenAnswer, a proof that does not verify under the registered key, and a key of another suite', async () => {
    const answers = provenAnswers(court, chain.provider);
    const seed = hex(32);
    const other = new Uint8Array(32).fill(10);
    const pi = K1.prove(other, Uint8Array.of(1)); // another key's proof of another alpha
    await expect(answers.calldata(receipt(keyId, seed), seed, K1.proofToHash(pi), pi, 0)).rejects.toBeInstanceOf(NoProvenAnswer);
    await expect(answers.calldata(receipt(keyId, seed), seed, K1.proofToHash(pi), pi, 0)).rejects.toThrow(/does not verify/);
    await expect(answers.calldata(receipt(edKeyId, seed), seed, K1.proofToHash(pi), pi, 0)).rejects.toBeInstanceOf(NoProvenAnswer);
  });

  it('refuses, as NoProvenAnswer, the right proof of a receipt issued before its key was in force (the court would refuse KeyNotInForce)', async () => {
    const answers = provenAnswers(court, chain.provider);
    const seed = hex(32);
    const answer = (r: ReceiptRecord) => {
      const pi = K1.prove(secret, receiptAlpha(r, [seed]));
      return answers.calldata(r, seed, K1.proofToHash(pi), pi, 0);
    };
    expect(await answer(receipt(keyId, seed))).toMatch(/^0x[0-9a-f]+$/);
    const early = answer(receipt(keyId, seed, chainNowMs - 3_600_000));
    await expect(early).rejects.toBeInstanceOf(NoProvenAnswer);
    await expect(early).rejects.toThrow(/not the key in force/);
  });
});
