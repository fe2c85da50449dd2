/**
 * GameAssets.mintWithProof on a real node (anvil): raid loot draws of the suite
 * ECVRF-SECP256K1-SHA256-TAI, proven with `vrf/` and its fastVerify witnesses, under seeded random
 * keys, rooms, seeds and chests. The contract must mint exactly what `lootOutcome`
 * (games/raid/rules.ts) finds over the registered table, under the server's award id, once per
 * draw, and refuse a forged proof, a swapped item and every changed receipt field. The gas of a
 * proven award is printed next to one award of the batched `mintAwards`.
 */
import { Contract, ContractFactory, JsonRpcProvider, getAddress, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { compileContracts } from '../../server/chain/compile.ts';
import { awardId } from '../../server/awards/award-sink.ts';
import { LOOT_TABLE, isItemLoot, lootOutcome, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { fastVerifyWitnesses, unverifiedWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { witnessArg } from '../helpers/vrf-secp256k1-harness.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';

const SUITE = 'ECVRF-SECP256K1-SHA256-TAI';
const suite = getSuite(SUITE);
const EPOCH = 86_400;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const rng = seededRandom('game-assets-proven-mint');

let node: AnvilNode;
let provider: JsonRpcProvider;
let assets: Contract;
let asMinter: Contract;
let sk: Uint8Array;
const KEY_ID = hex(Uint8Array.from({ length: 8 }, () => rng.int(0, 255)));
const RULES_HASH = hex(Uint8Array.from({ length: 32 }, () => rng.int(0, 255)));
/** The table as the contract holds it: tokenId 0 for bonus chips. */
const ROWS = LOOT_TABLE.map((l) => ({ weight: l.weight, tokenId: isItemLoot(l) ? l.tokenId : 0, amount: l.amount }));

const randomHex = (r: SeededRandom, bytes: number) => Array.from({ length: bytes }, () => r.int(0, 255).toString(16).padStart(2, '0')).join('');

/** A raid loot draw as the server records it: the receipt's fields, the seed, the outcome record's place. */
interface LootDraw {
  roomId: string;
  drawSeq: number;
  round: number;
  chest: number;
  opener: string;
  seed: string;
  prevHash: string;
  recordSeq: number;
  recordHash: string;
}

function randomDraw(r: SeededRandom): LootDraw {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return {
    roomId: Array.from({ length: 9 }, () => letters[r.int(0, letters.length - 1)]).join(''),
    drawSeq: r.int(0, 10_000),
    round: r.int(0, 500),
    chest: r.int(0, 15),
    opener: getAddress('0x' + randomHex(r, 20)),
    seed: randomHex(r, 32),
    prevHash: randomHex(r, 32),
    recordSeq: r.int(1, 20_000),
    recordHash: randomHex(r, 32),
  };
}

function alphaOf(d: LootDraw): Uint8Array {
  const receipt = {
    suite: SUITE, keyId: KEY_ID, roomId: d.roomId, drawSeq: d.drawSeq, game: 'raid', kind: 'loot',
    action: { chest: d.chest, round: d.round, table: RAID_LOOT_MAPPING }, players: [d.opener], prev: d.prevHash,
  } as unknown as ReceiptRecord;
  return receiptAlpha(receipt, [d.seed]);
}

/** The draw's proof, its witnesses, its beta and what `lootOutcome` finds with it. */
function prove(d: LootDraw) {
  const alpha = alphaOf(d);
  const pi = suite.prove(sk, alpha);
  const verified = suite.verify(suite.publicKey(sk), alpha, pi);
  if (!verified.valid) throw new Error('vrf/ refused its own proof');
  const beta = verified.beta;
  const witnesses = fastVerifyWitnesses(suite.publicKey(sk), pi, alpha);
  return { pi, beta, witnesses, loot: lootOutcome(beta, { round: d.round, chest: d.chest, table: RAID_LOOT_MAPPING }) };
}

const drawArg = (d: LootDraw) => ({
  keyId: '0x' + KEY_ID, roomId: d.roomId, drawSeq: d.drawSeq, round: d.round, chest: d.chest, players: [d.opener],
  seeds: ['0x' + d.seed], prevHash: '0x' + d.prevHash, rulesHash: '0x' + RULES_HASH, recordSeq: d.recordSeq, recordHash: '0x' + d.recordHash,
});

const serverAwardId = (d: LootDraw) => '0x' + awardId({ roomId: d.roomId, drawSeq: d.drawSeq, recordSeq: d.recordSeq, recordHash: d.recordHash }, 0);

/** A draw whose loot is an item (a quarter of draws are), from the seeded generator. */
function itemDraw(label: string): { d: LootDraw; p: ReturnType<typeof prove>; tokenId: number } {
  const r = rng.fork(label);
  for (;;) {
    const d = randomDraw(r);
    const p = prove(d);
    if (p.loot.tokenId !== undefined) return { d, p, tokenId: p.loot.tokenId };
  }
}

/** The custom error a transaction reverted with, by name. */
async function revertOf(tx: Promise<unknown>): Promise<string> {
  try {
    await (await (tx as Promise<{ wait(): Promise<unknown> }>)).wait();
  } catch (e) {
    const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    const parsed = data ? assets.interface.parseError(data) : null;
    return parsed?.name ?? `unparsed revert: ${(e as Error).message.slice(0, 200)}`;
  }
  throw new Error('expected a revert');
}

const mint = (d: ReturnType<typeof drawArg>, pi: Uint8Array, w: unknown[], tokenId: number) =>
  asMinter.getFunction('mintWithProof')(d, pi, w, tokenId);

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const [admin, minter] = (await Promise.all([0, 1].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner];
  // Compiled from today's sources, so the test checks the contract, not a stale artifact.
  const { abi, bytecode } = compileContracts().GameAssets;
  assets = (await (await new ContractFactory(abi as never, bytecode, admin).deploy('https://fairplay.example/{id}.json', await admin.getAddress(), EPOCH)).waitForDeployment()) as Contract;
  asMinter = assets.connect(minter) as Contract;
  await (await assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), await minter.getAddress())).wait();
  for (const row of ROWS.filter((r) => r.tokenId !== 0)) await (await assets.getFunction('configureToken')(row.tokenId, 1_000_000n, 1_000_000n)).wait();
  await (await assets.getFunction('configureToken')(1n, 1_000_000n, 1_000_000n)).wait();
  const keyRng = rng.fork('key');
  for (;;) {
    sk = Uint8Array.from({ length: 32 }, () => keyRng.int(0, 255));
    try {
      suite.publicKey(sk);
      break;
    } catch {
      // Not a scalar in [1, n-1]: draw again.
    }
  }
  await (await assets.getFunction('registerVrfKey')('0x' + KEY_ID, SUITE, suite.publicKey(sk), 1n)).wait();
  await (await assets.getFunction('registerLootTable')('0x' + RULES_HASH, ROWS)).wait();
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('GameAssets.mintWithProof', () => {
  it('fits EIP-170 (24,576 bytes deployed)', async () => {
    const size = (await provider.getCode(await assets.getAddress())).length / 2 - 1;
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
        expect(await revertOf(mint(drawArg(d), p.pi, witnessArg(p.witnesses), 0))).toBe('NotTheDrawnItem');
        continue;
      }
      items++;
      const before = (await assets.getFunction('balanceOf')(d.opener, claimed)) as bigint;
      const receipt = await (await mint(drawArg(d), p.pi, witnessArg(p.witnesses), claimed)).wait();
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
    await (await mint(drawArg(d), p.pi, witnessArg(p.witnesses), tokenId)).wait();
    expect(await revertOf(mint(drawArg(d), p.pi, witnessArg(p.witnesses), tokenId))).toBe('AwardAlreadyMinted');
    // The same draw citing another outcome record is the same draw.
    expect(await revertOf(mint({ ...drawArg(d), recordSeq: d.recordSeq + 1 }, p.pi, witnessArg(p.witnesses), tokenId))).toBe('DrawAlreadyMinted');
    expect(await revertOf(asMinter.getFunction('mintAwards')([d.opener], [tokenId], [1n], [serverAwardId(d)]))).toBe('AwardAlreadyMinted');
  });

  it('refuses a swapped item, a forged proof, and a proof for other receipt fields', async () => {
    const { d, p, tokenId } = itemDraw('forgeries');
    const w = witnessArg(p.witnesses);
    const other = ROWS.find((r) => r.tokenId !== 0 && r.tokenId !== tokenId)!.tokenId;
    expect(await revertOf(mint(drawArg(d), p.pi, w, other))).toBe('NotTheDrawnItem');
    // A flipped byte of s (a forged proof, so a forged beta): no witnesses make it verify.
    const forged = p.pi.slice();
    forged[64] = forged[64]! ^ 1;
    expect(await revertOf(mint(drawArg(d), forged, w, tokenId))).toBe('ProofInvalid');
    // And with the witnesses a verifier computes for the forged proof itself.
    const fresh = unverifiedWitnesses(suite.publicKey(sk), forged, alphaOf(d));
    expect(await revertOf(mint(drawArg(d), forged, witnessArg(fresh), tokenId))).toBe('ProofInvalid');
    // A valid proof of another draw (its beta found another item or the same): not this draw's.
    const o = itemDraw('forgeries/other');
    expect(await revertOf(mint(drawArg(d), o.p.pi, witnessArg(o.p.witnesses), o.tokenId))).toBe('ProofInvalid');
    // The right proof, but a receipt field changed: alpha differs, the proof does not verify.
    const changed: Array<[string, Partial<ReturnType<typeof drawArg>>]> = [
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
    const w = witnessArg(p.witnesses);
    expect(await revertOf(mint({ ...drawArg(d), rulesHash: '0x' + '11'.repeat(32) }, p.pi, w, tokenId))).toBe('UnknownLootTable');
    const edKey = 'aa'.repeat(8);
    await (await assets.getFunction('registerVrfKey')('0x' + edKey, 'ECVRF-EDWARDS25519-SHA512-TAI', new Uint8Array(32).fill(7), 1n)).wait();
    expect(await revertOf(mint({ ...drawArg(d), keyId: '0x' + edKey }, p.pi, w, tokenId))).toBe('NotProvableKey');
    expect(await revertOf(mint({ ...drawArg(d), players: [d.opener, getAddress('0x' + '22'.repeat(20))], seeds: ['0x' + d.seed, '0x' + d.seed] }, p.pi, w, tokenId))).toBe('NotOneOpener');
    expect(await revertOf(assets.getFunction('registerLootTable')('0x' + RULES_HASH, ROWS))).toBe('LootTableExists');
  });

  it('costs, per award: one proven mint next to one award of mintAwards (same node, same token)', async () => {
    const { d, p, tokenId } = itemDraw('gas');
    const proven = await (await mint(drawArg(d), p.pi, witnessArg(p.witnesses), tokenId)).wait();
    const other = getAddress('0x' + randomHex(rng.fork('gas/plain'), 20));
    const plain = await (await asMinter.getFunction('mintAwards')([other], [tokenId], [1n], ['0x' + randomHex(rng.fork('gas/id'), 32)])).wait();
    const [gp, gm] = [proven.gasUsed as bigint, plain.gasUsed as bigint];
    console.log(`gas per award: mintWithProof ${gp}, mintAwards (one award) ${gm}, ratio ${(Number(gp) / Number(gm)).toFixed(2)}`);
    expect(gp).toBeGreaterThan(gm);
  });
});
