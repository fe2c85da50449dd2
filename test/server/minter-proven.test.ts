/**
 * The award minter with proven awards (server/awards/proven-loot.ts) on a real node: raid loot
 * items drawn under ECVRF-SECP256K1-SHA256-TAI are minted with `mintWithProof`, each once, built
 * from the room's records; other awards keep the batched `mintAwards`; an award the contract
 * refuses (a swapped item) or that cannot be proven (a broken proof in its record) is held with
 * its reason while the rest are minted, and a second minter mints nothing again. Items under a
 * VRF key the contract does not hold are minted in batches, unproven.
 */
import { getAddress } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { awardId, type Award } from '../../server/awards/award-sink.ts';
import { ProvenLootSource, PROVEN_SUITE, type RoomRecordReader } from '../../server/awards/proven-loot.ts';
import { LOOT_TABLE, isItemLoot, lootOutcome, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { makeAwards, startMintChain, until } from '../helpers/mint-chain.ts';
import { seededRandom } from '../helpers/seed.ts';

const suite = getSuite(PROVEN_SUITE);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ITEMS = LOOT_TABLE.filter(isItemLoot).map((l) => l.tokenId);
const ROWS = LOOT_TABLE.map((l) => ({ weight: l.weight, tokenId: isItemLoot(l) ? l.tokenId : 0, amount: l.amount }));
const ROOM = 'RaidRoom1';

const chains: Awaited<ReturnType<typeof startMintChain>>[] = [];
afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.close()));
});

/** A room's records in memory, by seq: what SqlRoomRecords serves. */
class Records implements RoomRecordReader {
  readonly bySeq = new Map<number, HashedRecord>();
  async records(roomId: string, page: { from: number; limit: number }): Promise<HashedRecord[] | undefined> {
    if (roomId !== ROOM) return undefined;
    const r = this.bySeq.get(page.from);
    return r ? [r] : [];
  }
}

/** Loot draws of one room: receipt at seq 2k, outcome at 2k + 1; the item ones become awards. */
function lootDraws(sk: Uint8Array, keyId: string, rulesHash: string, count: number, records: Records): Award[] {
  const rng = seededRandom('minter-proven/draws');
  const rand = (n: number) => Array.from({ length: n }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
  const awards: Award[] = [];
  for (let drawSeq = 0; awards.length < count; drawSeq++) {
    const opener = getAddress('0x' + rand(20));
    const receipt = {
      type: 'receipt', seq: 2 * drawSeq, roomId: ROOM, drawSeq, suite: PROVEN_SUITE, keyId, game: 'raid', kind: 'loot',
      action: { chest: rng.int(0, 15), round: rng.int(0, 99), table: RAID_LOOT_MAPPING }, players: [opener], prev: rand(32), rulesHash,
    } as unknown as ReceiptRecord;
    const seed = rand(32);
    const alpha = receiptAlpha(receipt, [seed]);
    const pi = suite.prove(sk, alpha);
    const verified = suite.verify(suite.publicKey(sk), alpha, pi);
    if (!verified.valid) throw new Error('vrf/ refused its own proof');
    const loot = lootOutcome(verified.beta, receipt.action as never);
    const recordSeq = 2 * drawSeq + 1;
    const outcome = { type: 'outcome', seq: recordSeq, roomId: ROOM, drawSeq, receiptSeq: 2 * drawSeq, seeds: [seed], alpha: hex(alpha), pi: hex(pi), beta: hex(verified.beta), result: loot };
    records.bySeq.set(2 * drawSeq, receipt as unknown as HashedRecord);
    records.bySeq.set(recordSeq, outcome as unknown as HashedRecord);
    if (loot.tokenId === undefined) continue;
    const source = { roomId: ROOM, drawSeq, recordSeq, recordHash: rand(32) };
    awards.push({ awardId: awardId(source, 0), player: opener, tokenId: loot.tokenId, amount: loot.amount, source });
  }
  return awards;
}

describe('the award minter with proven raid loot', () => {
  it('mints loot items with mintWithProof once, other awards in batches, and holds what cannot be proven', async () => {
    const records = new Records();
    const chain = await startMintChain({ itemTokens: ITEMS, proven: { callFor: (a) => source.callFor(a) } });
    chains.push(chain);
    const source = new ProvenLootSource(records, chain.assets);
    const admin = chain.assets.connect(await chain.provider.getSigner(0));
    const rng = seededRandom('minter-proven/key');
    const sk = Uint8Array.from({ length: 32 }, () => rng.int(1, 255));
    const keyId = Array.from({ length: 8 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
    const rulesHash = Array.from({ length: 32 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
    await (await admin.getFunction('registerVrfKey')('0x' + keyId, PROVEN_SUITE, suite.publicKey(sk), 1n)).wait();
    await (await admin.getFunction('registerLootTable')('0x' + rulesHash, ROWS)).wait();

    const items = lootDraws(sk, keyId, rulesHash, 8, records);
    // A swapped item: the contract derives another one and refuses.
    const swapped = items[6]!;
    items[6] = { ...swapped, tokenId: ITEMS.find((t) => t !== swapped.tokenId)! };
    // A broken proof in its record: no witnesses, never sent.
    const broken = items[7]!;
    const outcome = records.bySeq.get(broken.source.recordSeq) as unknown as { pi: string };
    outcome.pi = outcome.pi.slice(0, -2) + (outcome.pi.endsWith('00') ? '01' : '00');
    const plain = makeAwards(0, 12, items.map((a) => a.player));

    const m = chain.minter();
    await chain.outbox.record([...plain.slice(0, 6), ...items, ...plain.slice(6)]);
    const good = [...items.slice(0, 6), ...plain];
    await until('all mintable awards minted', async () => (await m.statuses(good.map((a) => a.awardId))).every((s) => s.status === 'minted'));
    const [held6, held7] = await m.statuses([items[6]!.awardId, broken.awardId]);
    expect(held6).toEqual({ status: 'pending', note: expect.stringContaining('NotTheDrawnItem') });
    expect(held7).toEqual({ status: 'pending', note: expect.stringContaining('not provable') });

    const assets = chain.assets;
    const proven = (await chain.provider.getLogs({ address: await assets.getAddress(), topics: [assets.interface.getEvent('LootProven')!.topicHash], fromBlock: 0 }))
      .map((l) => assets.interface.parseLog(l)!.args.awardId as string);
    expect(proven.sort()).toEqual(items.slice(0, 6).map((a) => '0x' + a.awardId).sort());
    for (const a of items.slice(0, 6)) expect(await assets.getFunction('balanceOf')(a.player, a.tokenId)).toBeGreaterThanOrEqual(BigInt(a.amount));
    const minted = await chain.provider.getLogs({ address: await assets.getAddress(), topics: [assets.interface.getEvent('AwardMinted')!.topicHash], fromBlock: 0 });
    expect(minted).toHaveLength(good.length);

    // A second minter over the same outbox and log: nothing is sent again.
    await m.stop();
    const m2 = chain.minter();
    await chain.outbox.record(makeAwards(100, 1, [items[0]!.player])); // wakes it
    await until('the new award minted', async () => (await m2.status(awardId({ roomId: 'mint-chain', drawSeq: 100, recordSeq: 101, recordHash: makeAwards(100, 1, ['0x' + '00'.repeat(20)])[0]!.source.recordHash }, 0))).status === 'minted');
    const after = await chain.provider.getLogs({ address: await assets.getAddress(), topics: [assets.interface.getEvent('AwardMinted')!.topicHash], fromBlock: 0 });
    expect(after).toHaveLength(good.length + 1);
  }, 120_000);

  it('mints in batches, unproven and said once, the items of a key the contract does not hold', async () => {
    const records = new Records();
    const missing: string[] = [];
    const chain = await startMintChain({ itemTokens: ITEMS, proven: { callFor: (a) => source.callFor(a) } });
    chains.push(chain);
    const source = new ProvenLootSource(records, chain.assets, undefined, (keyId) => missing.push(keyId));
    const admin = chain.assets.connect(await chain.provider.getSigner(0));
    const rng = seededRandom('minter-proven/unregistered key');
    const sk = Uint8Array.from({ length: 32 }, () => rng.int(1, 255));
    const keyId = Array.from({ length: 8 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
    const rulesHash = Array.from({ length: 32 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
    // The loot table is there; the VRF key is not.
    await (await admin.getFunction('registerLootTable')('0x' + rulesHash, ROWS)).wait();
    const items = lootDraws(sk, keyId, rulesHash, 3, records);
    const m = chain.minter();
    await chain.outbox.record(items);
    await until('the items minted', async () => (await m.statuses(items.map((a) => a.awardId))).every((s) => s.status === 'minted'));
    const assets = chain.assets;
    const proven = await chain.provider.getLogs({ address: await assets.getAddress(), topics: [assets.interface.getEvent('LootProven')!.topicHash], fromBlock: 0 });
    expect(proven).toHaveLength(0);
    for (const a of items) expect(await assets.getFunction('balanceOf')(a.player, a.tokenId)).toBeGreaterThanOrEqual(BigInt(a.amount));
    expect(missing).toEqual([keyId]);
    await m.stop();
  }, 120_000);
});
