/**
 * Raid loot draws of the suite ECVRF-SECP256K1-SHA256-TAI made up for `GameAssets.mintWithProof`
 * on a test node: a GameAssets compiled from today's sources with the raid loot table and a VRF
 * key registered, random draws under seeded generators, their proofs and witnesses, and the
 * call's arguments. Shared by the contract's test and the `vrf-chain` bench.
 * @module
 */
import { Contract, ContractFactory, getAddress, type JsonRpcSigner } from 'ethers';
import { awardId } from '../../server/awards/award-sink.ts';
import { compileContracts } from '../../server/chain/compile.ts';
import { isItemLoot, LOOT_TABLE, lootOutcome, RAID_LOOT_MAPPING, type LootResult } from '../../games/raid/rules.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { fastVerifyWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import type { SeededRandom } from './seed.ts';
import { witnessArg } from './vrf-secp256k1-harness.ts';

export const PROVEN_SUITE = 'ECVRF-SECP256K1-SHA256-TAI';
const suite = getSuite(PROVEN_SUITE);
const EPOCH = 86_400;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The table as the contract holds it: tokenId 0 for bonus chips. */
export const LOOT_ROWS = LOOT_TABLE.map((l) => ({ weight: l.weight, tokenId: isItemLoot(l) ? l.tokenId : 0, amount: l.amount }));

export const randomHex = (r: SeededRandom, bytes: number) => Array.from({ length: bytes }, () => r.int(0, 255).toString(16).padStart(2, '0')).join('');

/** A raid loot draw as the server records it: the receipt's fields, the seed, the outcome record's place. */
export interface LootDraw {
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

/** A draw, its proof, witnesses and beta, and what `lootOutcome` finds with that beta. */
export interface ProvenDraw {
  d: LootDraw;
  alpha: Uint8Array;
  pi: Uint8Array;
  beta: Uint8Array;
  witnesses: Secp256k1Witnesses;
  loot: LootResult;
}

/** GameAssets with a minter, every loot item configured, one VRF key and one loot table registered. */
export interface ProvenLootAssets {
  assets: Contract;
  asMinter: Contract;
  keyId: string;
  rulesHash: string;
  sk: Uint8Array;
}

export function randomDraw(r: SeededRandom): LootDraw {
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

/** A secret key in [1, n-1] from the generator. */
export function randomSecretKey(r: SeededRandom): Uint8Array {
  for (;;) {
    const sk = Uint8Array.from({ length: 32 }, () => r.int(0, 255));
    try {
      suite.publicKey(sk);
      return sk;
    } catch {
      // Not a scalar in [1, n-1]: draw again.
    }
  }
}

/** The draw's alpha, as the server builds it from its receipt (FAIRNESS.md section 3). */
export function lootAlpha(d: LootDraw, keyId: string): Uint8Array {
  const receipt = {
    suite: PROVEN_SUITE, keyId, roomId: d.roomId, drawSeq: d.drawSeq, game: 'raid', kind: 'loot',
    action: { chest: d.chest, round: d.round, table: RAID_LOOT_MAPPING }, players: [d.opener], prev: d.prevHash,
  } as unknown as ReceiptRecord;
  return receiptAlpha(receipt, [d.seed]);
}

export function proveDraw(d: LootDraw, on: Pick<ProvenLootAssets, 'sk' | 'keyId'>): ProvenDraw {
  const alpha = lootAlpha(d, on.keyId);
  const pk = suite.publicKey(on.sk);
  const pi = suite.prove(on.sk, alpha);
  const verified = suite.verify(pk, alpha, pi);
  if (!verified.valid) throw new Error('vrf/ refused its own proof');
  const beta = verified.beta;
  const witnesses = fastVerifyWitnesses(pk, pi, alpha);
  return { d, alpha, pi, beta, witnesses, loot: lootOutcome(beta, { round: d.round, chest: d.chest, table: RAID_LOOT_MAPPING }) };
}

/** A draw whose loot is an item (a quarter of draws are), from the generator. */
export function itemDraw(r: SeededRandom, on: Pick<ProvenLootAssets, 'sk' | 'keyId'>): ProvenDraw & { tokenId: number } {
  for (;;) {
    const p = proveDraw(randomDraw(r), on);
    if (p.loot.tokenId !== undefined) return { ...p, tokenId: p.loot.tokenId };
  }
}

/** The first argument of `mintWithProof`, the draw's receipt fields. */
export const drawArg = (d: LootDraw, on: Pick<ProvenLootAssets, 'keyId' | 'rulesHash'>) => ({
  keyId: '0x' + on.keyId, roomId: d.roomId, drawSeq: d.drawSeq, round: d.round, chest: d.chest, players: [d.opener],
  seeds: ['0x' + d.seed], prevHash: '0x' + d.prevHash, rulesHash: '0x' + on.rulesHash, recordSeq: d.recordSeq, recordHash: '0x' + d.recordHash,
});

export type DrawArg = ReturnType<typeof drawArg>;

/** The server's award id of the draw's loot (index 0 of its outcome record), as the contract rebuilds it. */
export const serverAwardId = (d: LootDraw) => '0x' + awardId({ roomId: d.roomId, drawSeq: d.drawSeq, recordSeq: d.recordSeq, recordHash: d.recordHash }, 0);

/** Sends `mintWithProof` of a proven draw's item (or of `tokenId`) as the minter. */
export function mintWithProof(on: ProvenLootAssets, draw: DrawArg, pi: Uint8Array, witnesses: Secp256k1Witnesses | unknown[], tokenId: number) {
  const w = Array.isArray(witnesses) ? witnesses : witnessArg(witnesses);
  return on.asMinter.getFunction('mintWithProof')(draw, pi, w, tokenId);
}

/**
 * Deploys GameAssets compiled from today's sources (so a test checks the contract, not a stale
 * artifact), grants `minter` the minter role, configures every loot item and token 1, and
 * registers a VRF key of the suite and the loot table under random ids from `r`.
 */
export async function deployProvenLootAssets(admin: JsonRpcSigner, minter: JsonRpcSigner, r: SeededRandom): Promise<ProvenLootAssets> {
  const keyId = randomHex(r, 8);
  const rulesHash = randomHex(r, 32);
  const { abi, bytecode } = compileContracts().GameAssets;
  const assets = (await (await new ContractFactory(abi as never, bytecode, admin).deploy('https://fairplay.example/{id}.json', await admin.getAddress(), EPOCH)).waitForDeployment()) as Contract;
  await (await assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), await minter.getAddress())).wait();
  for (const row of LOOT_ROWS.filter((x) => x.tokenId !== 0)) await (await assets.getFunction('configureToken')(row.tokenId, 1_000_000n, 1_000_000n)).wait();
  await (await assets.getFunction('configureToken')(1n, 1_000_000n, 1_000_000n)).wait();
  const sk = randomSecretKey(r.fork('key'));
  await (await assets.getFunction('registerVrfKey')('0x' + keyId, PROVEN_SUITE, suite.publicKey(sk), 1n)).wait();
  await (await assets.getFunction('registerLootTable')('0x' + rulesHash, LOOT_ROWS)).wait();
  return { assets, asMinter: assets.connect(minter) as Contract, keyId, rulesHash, sk };
}

export { hex as toHex };
