/**
 * GameAssets.mintWithProof on a real node (anvil): raid loot draws of the suite
 * ECVRF-SECP256K1-SHA256-TAI, proven with `vrf/` and its fastVerify witnesses, under seeded random
 * keys, rooms, seeds and chests. The contract must mint exactly what `lootOutcome`
 * (games/raid/rules.ts) finds over the registered table, under the server's award id, once per
 * draw, and refuse a forged proof, a swapped item and every changed receipt field. The gas of a
 * proven award is printed next to one award of the batched `mintAwards`.
 */
import { Contract, JsonRpcProvider, getAddress, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { LOOT_TABLE, isItemLoot } from '../../games/raid/rules.ts';
import { getSuite } from '../../vrf/index.ts';
import { unverifiedWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import {
  deployProvenLootAssets, drawArg as drawArgOn, itemDraw as itemDrawOn, LOOT_ROWS, lootAlpha, mintWithProof, PROVEN_SUITE, proveDraw,
  randomDraw, randomHex, serverAwardId, toHex as hex, type DrawArg, type ProvenLootAssets,
} from '../helpers/proven-loot.ts';
import { seededRandom } from '../helpers/seed.ts';
import type { LootDraw } from '../helpers/proven-loot.ts';
import { revertOf } from '../helpers/fairness-contracts.ts';

const suite = getSuite(PROVEN_SUITE);
const rng = seededRandom('game-assets-proven-mint');

let node: AnvilNode;
let provider: JsonRpcProvider;
let on: ProvenLootAssets;
let assets: Contract;
const ROWS = LOOT_ROWS;

const prove = (d: LootDraw) => proveDraw(d, on);
const drawArg = (d: LootDraw) => drawArgOn(d, on);
const alphaOf = (d: LootDraw) => lootAlpha(d, on.keyId);
const itemDraw = (label: string) => {
  const p = itemDrawOn(rng.fork(label), on);
  return { d: p.d, p, tokenId: p.tokenId };
};
const mint = (d: DrawArg, pi: Uint8Array, w: Secp256k1Witnesses, tokenId: number) => mintWithProof(on, d, pi, w, tokenId);

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const [admin, minter] = (await Promise.all([0, 1].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner];
  on = await deployProvenLootAssets(admin, minter, rng.fork('deployment'));
  assets = on.assets;
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('GameAssets.mintWithProof', () => {
  it('fits EIP-170 (24,576 bytes deployed)', async () => {
    const size = (await provider.getCode(await on.assets.getAddress())).length / 2 - 1;
    console.log(`GameAssets deployed size: ${size} bytes`);
    expect(size).toBeLessThanOrEqual(24_576);
  });

  it('mints exactly the item lootOutcome finds, to the opener, under the server award id, and refuses chips', async () => {
    const r = rng.fork('outcomes');
    let items = 0;
    let chips = 0;
    for (let i = 0; i < 24; i++) {
      const d = randomDraw(r);
      const p = prove(d);
      const claimed = p.loot.tokenId ?? 0;
      if (p.loot.tokenId === undefined) {
        chips++;
        expect(await revertOf(mint(drawArg(d), p.pi, p.witnesses, 0))).toBe('NotTheDrawnItem');
        continue;
      }
      items++;
      const before = (await assets.getFunction('balanceOf')(d.opener, claimed)) as bigint;
      const receipt = await (await mint(drawArg(d), p.pi, p.witnesses, claimed)).wait();
      const logs = receipt.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)).filter(Boolean);
      const minted = logs.find((e: { name: string }) => e.name === 'AwardMinted');
      const proven = logs.find((e: { name: string }) => e.name === 'LootProven');
      expect(minted.args.awardId).toBe(serverAwardId(d));
      expect(proven.args.beta).toBe('0x' + hex(p.beta));
      expect(Number(proven.args.row)).toBe(LOOT_TABLE.findIndex((l) => isItemLoot(l) && l.tokenId === claimed));
      expect(await assets.getFunction('balanceOf')(d.opener, claimed)).toBe(before + BigInt(p.loot.amount));
    }
    console.log(`proven mints: ${items} items minted, ${chips} chip draws refused`);
    expect(items + chips).toBe(24);
  }, 120_000);

  it('mints a draw once: again, or via mintAwards under its award id, is refused', async () => {
    const { d, p, tokenId } = itemDraw('once');
    await (await mint(drawArg(d), p.pi, p.witnesses, tokenId)).wait();
    expect(await revertOf(mint(drawArg(d), p.pi, p.witnesses, tokenId))).toBe('AwardAlreadyMinted');
    // The same draw citing another outcome record is the same draw.
    expect(await revertOf(mint({ ...drawArg(d), recordSeq: d.recordSeq + 1 }, p.pi, p.witnesses, tokenId))).toBe('DrawAlreadyMinted');
    expect(await revertOf(on.asMinter.getFunction('mintAwards')([d.opener], [tokenId], [1n], [serverAwardId(d)]))).toBe('AwardAlreadyMinted');
  });

  it('refuses a swapped item, a forged proof, and a proof for other receipt fields', async () => {
    const { d, p, tokenId } = itemDraw('forgeries');
    const w = p.witnesses;
    const other = ROWS.find((r) => r.tokenId !== 0 && r.tokenId !== tokenId)!.tokenId;
    expect(await revertOf(mint(drawArg(d), p.pi, w, other))).toBe('NotTheDrawnItem');
    // A flipped byte of s (a forged proof, so a forged beta): no witnesses make it verify.
    const forged = p.pi.slice();
    forged[64] = forged[64]! ^ 1;
    expect(await revertOf(mint(drawArg(d), forged, w, tokenId))).toBe('ProofInvalid');
    // And with the witnesses a verifier computes for the forged proof itself.
    const fresh = unverifiedWitnesses(suite.publicKey(on.sk), forged, alphaOf(d));
    expect(await revertOf(mint(drawArg(d), forged, fresh, tokenId))).toBe('ProofInvalid');
    // A valid proof of another draw (its beta found another item or the same): not this draw's.
    const o = itemDraw('forgeries/other');
    expect(await revertOf(mint(drawArg(d), o.p.pi, o.p.witnesses, o.tokenId))).toBe('ProofInvalid');
    // The right proof, but a receipt field changed: alpha differs, the proof does not verify.
    const changed: Array<[string, Partial<DrawArg>]> = [
      ['roomId', { roomId: d.roomId.slice(0, -1) + (d.roomId.endsWith('x') ? 'y' : 'x') }],
      ['drawSeq', { drawSeq: d.drawSeq + 1 }],
      ['chest', { chest: (d.chest + 1) % 16 }],
      ['round', { round: d.round + 1 }],
      ['seed', { seeds: ['0x' + randomHex(rng.fork('forgeries/seed'), 32)] }],
      ['opener', { players: [getAddress('0x' + randomHex(rng.fork('forgeries/opener'), 20))] }],
      ['prevHash', { prevHash: '0x' + randomHex(rng.fork('forgeries/prev'), 32) }],
    ];
    for (const [what, change] of changed) expect(await revertOf(mint({ ...drawArg(d), ...change }, p.pi, w, tokenId)), what).toBe('ProofInvalid');
    // Still mintable with the right fields: nothing above used it up.
    await (await mint(drawArg(d), p.pi, w, tokenId)).wait();
  });

  it('refuses an unknown table, a key of another suite, and a draw of two players', async () => {
    const { d, p, tokenId } = itemDraw('refusals');
    const w = p.witnesses;
    expect(await revertOf(mint({ ...drawArg(d), rulesHash: '0x' + '11'.repeat(32) }, p.pi, w, tokenId))).toBe('UnknownLootTable');
    const edKey = 'aa'.repeat(8);
    await (await assets.getFunction('registerVrfKey')('0x' + edKey, 'ECVRF-EDWARDS25519-SHA512-TAI', new Uint8Array(32).fill(7), 1n)).wait();
    expect(await revertOf(mint({ ...drawArg(d), keyId: '0x' + edKey }, p.pi, w, tokenId))).toBe('NotProvableKey');
    expect(await revertOf(mint({ ...drawArg(d), players: [d.opener, getAddress('0x' + '22'.repeat(20))], seeds: ['0x' + d.seed, '0x' + d.seed] }, p.pi, w, tokenId))).toBe('NotOneOpener');
    expect(await revertOf(assets.getFunction('registerLootTable')('0x' + on.rulesHash, ROWS))).toBe('LootTableExists');
  });

  it('costs, per award: one proven mint next to one award of mintAwards (same node, same token)', async () => {
    const { d, p, tokenId } = itemDraw('gas');
    const proven = await (await mint(drawArg(d), p.pi, p.witnesses, tokenId)).wait();
    const other = getAddress('0x' + randomHex(rng.fork('gas/plain'), 20));
    const plain = await (await on.asMinter.getFunction('mintAwards')([other], [tokenId], [1n], ['0x' + randomHex(rng.fork('gas/id'), 32)])).wait();
    const [gp, gm] = [proven.gasUsed as bigint, plain.gasUsed as bigint];
    console.log(`gas per award: mintWithProof ${gp}, mintAwards (one award) ${gm}, ratio ${(Number(gp) / Number(gm)).toFixed(2)}`);
    expect(gp).toBeGreaterThan(gm);
  });
});
