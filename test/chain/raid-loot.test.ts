/**
 * RaidLoot.sol against `lootOutcome` (games/raid/rules.ts, mapping raid-loot-v1): over seeded
 * random betas for the published LOOT_TABLE and the first one, COIN_LOOT_TABLE, with a beta found
 * for every row so each is reached, over random tables a rules document may hold, and the tables
 * `lootTableOf` refuses. The loot is the row at the contract's index of the same table the
 * TypeScript reads. On anvil, by eth_call on the test-only harness.
 */
import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN_LOOT_TABLE, isItemLoot, LOOT_TABLE, lootOutcome, lootTableOf, RAID_LOOT_MAPPING, type LootEntry, type LootResult } from '../../games/raid/rules.ts';
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

const ACTION = { round: 1, chest: 0, table: RAID_LOOT_MAPPING } as const;
const TABLES: [string, readonly LootEntry[]][] = [['LOOT_TABLE', LOOT_TABLE], ['COIN_LOOT_TABLE', COIN_LOOT_TABLE]];

async function chainIndex(beta: Uint8Array, table: readonly LootEntry[]): Promise<number> {
  return Number(await lib.getFunction('lootIndex')(hex(beta), table.map((row) => BigInt(row.weight))));
}

/** What a caller reads from its table's row at the contract's index: the loot result of that row. */
function rowResult(row: LootEntry): LootResult {
  return isItemLoot(row) ? { item: row.item, tokenId: row.tokenId, amount: row.amount, rarity: row.rarity } : { item: row.item, amount: row.amount, rarity: row.rarity };
}

async function expectSameLoot(beta: Uint8Array, table: readonly LootEntry[]): Promise<number> {
  const index = await chainIndex(beta, table);
  expect(index, `beta ${hex(beta)}`).toBeLessThan(table.length);
  expect(rowResult(table[index]!), `beta ${hex(beta)}`).toEqual(lootOutcome(beta, ACTION, table));
  return index;
}

/** A table a rules document may hold: 1 to 64 rows, weights 1 to 1,000,000, items or chips. */
function randomTable(rng: SeededRandom): LootEntry[] {
  return Array.from({ length: rng.int(1, 64) }, (_, i): LootEntry => {
    const weight = rng.int(0, 3) === 0 ? 1_000_000 - rng.int(0, 10) : rng.int(1, 10 ** rng.int(0, 6));
    return rng.int(0, 1) ? { item: 'chips', amount: rng.int(1, 100), weight, rarity: 'common' } : { item: `item${i}`, tokenId: 100 + i, amount: 1, weight, rarity: 'rare' };
  });
}

describe('RaidLoot.lootIndex', () => {
  it.each(WORKED.loot.map((v) => [v.what, v] as const))('gives the worked example’s row (%s)', async (_what, v) => {
    for (const [, table] of TABLES) {
      expect(table.map((row) => row.weight)).toEqual(v.weights);
      expect(await expectSameLoot(hexToBytes(v.beta), table)).toBe(v.index);
    }
  });

  it.each(TABLES)('is lootOutcome over random betas with %s, every row reached', async (name, table) => {
    const rng = seededRandom(`raid-loot ${name}`);
    for (let i = 0; i < 60; i++) await expectSameLoot(randomBeta(rng), table);
    // A beta for each row, found by the TypeScript, so the rarest (the crown, 2 in 100) is checked too.
    for (let row = 0; row < table.length; row++) {
      let beta = randomBeta(rng);
      while (lootOutcome(beta, ACTION, table).item !== table[row]!.item || lootOutcome(beta, ACTION, table).amount !== table[row]!.amount) beta = randomBeta(rng);
      expect(await expectSameLoot(beta, table)).toBe(row);
    }
  });

  it('is lootOutcome for any table a rules document may hold', async () => {
    const rng = seededRandom('raid-loot random tables');
    for (let i = 0; i < 30; i++) {
      const table = lootTableOf({ lootTable: randomTable(rng) });
      const beta = randomBeta(rng);
      const index = await chainIndex(beta, table);
      expect(rowResult(table[index]!), `beta ${hex(beta)}, weights ${table.map((r) => r.weight).join(', ')}`).toEqual(lootOutcome(beta, ACTION, table));
    }
  });

  it('refuses the tables lootTableOf refuses (no rows, more than 64, a weight of 0 or above 1,000,000)', async () => {
    const rng = seededRandom('raid-loot refused tables');
    const good = randomTable(rng);
    const refused: LootEntry[][] = [
      [],
      Array.from({ length: 65 }, () => good[0]!),
      [...good, { ...good[0]!, weight: 0 }],
      [{ ...good[0]!, weight: 1_000_001 }, ...good],
    ];
    for (const table of refused) {
      expect(() => lootTableOf({ lootTable: table })).toThrow();
      expect(await revertName(lib.interface, lib.getFunction('lootIndex')(hex(randomBeta(rng)), table.map((row) => BigInt(row.weight))))).toBe('BadLootTable');
    }
  });

  it('costs some gas per derivation (printed, not asserted)', async () => {
    const rng = seededRandom('raid-loot gas');
    const gas: bigint[] = [];
    for (let i = 0; i < 20; i++) gas.push((await lib.getFunction('lootIndexGas')(hex(randomBeta(rng)), LOOT_TABLE.map((row) => BigInt(row.weight)))) as bigint);
    gas.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    console.log(`gas: RaidLoot.lootIndex with LOOT_TABLE over 20 random betas: min ${gas[0]}, median ${gas[10]}, max ${gas[19]}`);
    expect(gas[0]).toBeGreaterThan(0n);
  });
});
