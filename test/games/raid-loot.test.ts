/**
 * The raid's loot (games/raid/rules.ts, games/raid/room.ts): the published table's common entries
 * are bonus chips, not coins. A chip find is a `grant` chip entry (bonus: played, never cashed
 * out) and no award; an item find is its token's award. The mapping picks from the table of the
 * rules document the receipt pins, so a draw made under the first table (coins, token 1) still
 * verifies by it, and reads as it did.
 */
import { describe, expect, it } from 'vitest';
import raidGame from '../../games/raid/room.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { EARLIER_RULES, PUBLISHED_RULES, rulesProblem } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { CHIPS_LOOT, COIN_LOOT_TABLE, describeLoot, LOOT_TABLE, lootTableOf, raid, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';

const loot = raid.mappings['loot']!;
const action = { round: 3, chest: 2, table: RAID_LOOT_MAPPING };
const current = PUBLISHED_RULES['raid']!;
const [earlierHash, earlier] = Object.entries(EARLIER_RULES['raid']!)[0]!;
const beta = (i: number) => new Uint8Array(64).map((_, j) => (i * 131 + j * 17 + ((i * j) % 251)) & 0xff);

describe('the raid loot table', () => {
  it('has bonus chips (no token) where the first table had coins, and the same items', () => {
    expect(LOOT_TABLE.filter((l) => l.item === CHIPS_LOOT).map((l) => [l.amount, l.weight])).toEqual([[10, 50], [25, 25]]);
    for (const l of LOOT_TABLE) expect('tokenId' in l).toBe(l.item !== CHIPS_LOOT);
    expect(LOOT_TABLE.some((l) => 'tokenId' in l && l.tokenId === 1)).toBe(false);
    expect(COIN_LOOT_TABLE.map((l) => l.weight)).toEqual(LOOT_TABLE.map((l) => l.weight));
    // Items are the game's tokens; chips are none.
    expect(raid.items!.map((i) => i.tokenId)).toEqual([101, 102, 103]);
    expect(lootTableOf(current.terms)).toEqual(LOOT_TABLE);
    expect(lootTableOf(undefined)).toBe(COIN_LOOT_TABLE); // a v1 receipt pins no rules: the first table
  });

  it('picks from the pinned table: the same beta gives chips now and the same count of coins under the first table', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const now = loot.result(beta(i), action, [], current.terms);
      const then = loot.result(beta(i), action, [], earlier.terms);
      if (now['item'] === CHIPS_LOOT) {
        expect(now).not.toHaveProperty('tokenId');
        expect(then).toEqual({ item: 'coins', tokenId: 1, amount: now['amount'], rarity: 'common' });
      } else expect(then).toEqual(now);
      expect(loot.explain!(beta(i), action, [], current.terms).at(-1)).toMatchObject({ result: now });
      counts.set(String(now['item']), (counts.get(String(now['item'])) ?? 0) + 1);
    }
    console.log(`2000 loot draws: ${[...counts].map(([item, n]) => `${item} ${n}`).join(', ')}`);
    expect(counts.get(CHIPS_LOOT)).toBeGreaterThan(1300); // 75% expected: 1500
  });

  it('reads a find in words with the plural right', () => {
    expect(describeLoot({ item: CHIPS_LOOT, amount: 10, rarity: 'common' })).toBe('found 10 bonus chips');
    expect(describeLoot({ item: CHIPS_LOOT, amount: 1, rarity: 'common' })).toBe('found 1 bonus chip');
    expect(describeLoot({ item: 'coins', tokenId: 1, amount: 25, rarity: 'common' })).toBe('found 25 coins');
    expect(describeLoot({ item: 'ruby', tokenId: 102, amount: 1, rarity: 'rare' })).toBe('found 1 ruby (rare)');
    expect(loot.tally!.bins.map((b) => b.label)).toEqual(['10 bonus chips (common)', '25 bonus chips (common)', 'emerald (uncommon)', 'ruby (rare)', 'crown (legendary)']);
    expect(loot.tally!.binOf({ item: CHIPS_LOOT, amount: 25, rarity: 'common' })).toBe(1);
    expect(loot.explain!(beta(0), action, [], current.terms)[0]!.value).toMatch(/^10 bonus chips: 0–49, 25 bonus chips: 50–74, 1 emerald \(uncommon\): 75–89/);
  });

  it('plays the rules document published before (its hash is the one receipts of the time pin), and no other', () => {
    expect(earlierHash).toBe('92cdc31261bce8eb2514428b39423cb5400fe9f4352e3cb001d6303434aa0406');
    expect(rulesHash(current)).not.toBe(earlierHash);
    expect(rulesProblem(earlier)).toBeUndefined();
    expect(rulesProblem(current)).toBeUndefined();
    const doubled = { ...current, terms: { ...current.terms, lootTable: LOOT_TABLE.map((l) => ({ ...l, amount: l.amount * 2 })) } };
    expect(rulesProblem(doubled)).toMatch(/differ from the published ones/);
    // A table whose chips name a token, or an item naming none, is not a loot table.
    expect(() => lootTableOf({ lootTable: [{ item: CHIPS_LOOT, tokenId: 1, amount: 10, weight: 1, rarity: 'common' }] })).toThrow();
    expect(() => lootTableOf({ lootTable: [{ item: 'ruby', amount: 1, weight: 1, rarity: 'rare' }] })).toThrow();
  });
});

describe("a find's effects", () => {
  const receipt = { kind: 'loot', game: 'raid', action, players: ['0x52908400098527886E0F7030069857D2E4169EE7'] } as unknown as ReceiptRecord;
  const outcome = (result: Record<string, unknown>) => ({ type: 'outcome', roomId: 'room-a', drawSeq: 7, seq: 12, hash: 'ab'.repeat(32), result }) as unknown as HashedRecord;

  it('credits bonus chips (a grant entry, one per draw) and awards nothing', () => {
    expect(raidGame.effects(outcome({ item: CHIPS_LOOT, amount: 25, rarity: 'common' }), receipt)).toEqual({
      chips: [{ ref: 'room-a/7/loot', address: receipt.players[0], delta: 25 * UNITS_PER_CHIP, reason: 'grant' }],
      awards: [],
    });
  });

  it("awards an item's token, moving no chips", () => {
    const { chips, awards } = raidGame.effects(outcome({ item: 'crown', tokenId: 103, amount: 1, rarity: 'legendary' }), receipt);
    expect(chips).toEqual([]);
    expect(awards).toEqual([expect.objectContaining({ player: receipt.players[0], tokenId: 103, amount: 1, source: { roomId: 'room-a', drawSeq: 7, recordSeq: 12, recordHash: 'ab'.repeat(32) } })]);
  });
});
