/**
 * FairplayAlpha.sol against FAIRNESS.md section 3: the worked example's published alphas, then
 * `encodeAlpha` (vrf/protocol/alpha.ts) over seeded random draws (room ids with non-ASCII text,
 * 1 to 4 players in any order, random seeds), the raid loot action's canonical JSON, and the
 * refusals (a player twice, a seed missing, numbers canonical JSON cannot hold). On anvil, by
 * eth_call on the test-only harness.
 */
import { getAddress, toUtf8Bytes, type Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAlpha } from '../../vrf/protocol/alpha.ts';
import { canonicalJson, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { revertName, startHarness, type Harness } from './library-harness.ts';
import { hex, randomHex, WORKED } from './onchain-vectors.ts';

let harness: Harness;
let lib: Contract;

beforeAll(async () => {
  harness = await startHarness();
  lib = harness.contract;
});

afterAll(async () => {
  await harness?.close();
});

interface Draw {
  suite: string;
  keyId: string;
  roomId: string;
  drawSeq: number;
  game: string;
  kind: string;
  action: JsonValue;
  players: string[];
  seeds: string[];
  prevHash: string;
}

/** The harness's alpha of a draw, as hex. */
function chainAlpha(d: Draw, canonicalAction = toUtf8Bytes(canonicalJson(d.action))): Promise<string> {
  return lib.getFunction('alpha')(d.suite, '0x' + d.keyId.replace(/^0x/, ''), d.roomId, d.drawSeq, d.game, d.kind, canonicalAction, d.players, d.seeds.map((s) => '0x' + s.replace(/^0x/, '')), '0x' + d.prevHash.replace(/^0x/, '')) as Promise<string>;
}

function tsAlpha(d: Draw): string {
  return hex(encodeAlpha({ ...d, participants: d.players.map((address, i) => ({ address, seed: d.seeds[i]! })) }));
}

/** Text of 0 to 24 code points: ASCII, Latin-1, CJK, astral (surrogate pairs in JS), and JSON-special characters. */
function randomText(rng: SeededRandom): string {
  const pools = ['abcXYZ-_0129', 'éßüñ', '日本語房间', '🎲💎👑', '"\\/\n\t', '\u0000\u007f\u2028'];
  return Array.from({ length: rng.int(0, 24) }, () => {
    const pool = [...pools[rng.int(0, pools.length - 1)]!];
    return pool[rng.int(0, pool.length - 1)]!;
  }).join('');
}

/** Addresses that often share long prefixes or differ only in their high bits, so the sort is tested where it is easy to get wrong. */
function randomPlayers(rng: SeededRandom, count: number): string[] {
  const base = randomHex(rng, 20).slice(2);
  const players = new Set<string>();
  while (players.size < count) {
    const shared = rng.int(0, 3) === 0 ? 0 : rng.int(1, 19);
    const address = '0x' + base.slice(0, shared * 2) + randomHex(rng, 20 - shared).slice(2);
    players.add(rng.int(0, 1) ? getAddress(address) : address);
  }
  return [...players];
}

function randomAction(rng: SeededRandom): JsonValue {
  switch (rng.int(0, 3)) {
    case 0:
      return { direction: rng.int(0, 1) ? 'under' : 'over', stake: rng.int(1, 10 ** 12), target: rng.int(1, 9999) };
    case 1:
      return { round: rng.int(0, 10 ** 6), count: rng.int(1, 16) };
    case 2:
      return { round: rng.int(0, 10 ** 6), chest: rng.int(0, 15), table: RAID_LOOT_MAPPING };
    default:
      return { stake: rng.int(1, 10 ** 9), note: randomText(rng) };
  }
}

const SUITES = ['ECVRF-EDWARDS25519-SHA512-TAI', 'ECVRF-EDWARDS25519-SHA512-ELL2', 'ECVRF-P256-SHA256-TAI', 'ECVRF-P256-SHA256-SSWU', 'ECVRF-SECP256K1-SHA256-TAI'];
const GAMES: [string, string][] = [['dice', 'roll'], ['raid', 'chests'], ['raid', 'loot'], ['blackjack', 'hand']];

function randomDraw(rng: SeededRandom): Draw {
  const count = rng.int(1, 4);
  const [game, kind] = GAMES[rng.int(0, GAMES.length - 1)]!;
  return {
    suite: SUITES[rng.int(0, SUITES.length - 1)]!,
    keyId: randomHex(rng, 8).slice(2),
    roomId: randomText(rng),
    // Small counts as rooms have them, and the largest a safe integer allows.
    drawSeq: rng.int(0, 3) === 0 ? Number.MAX_SAFE_INTEGER - rng.int(0, 1000) : rng.int(0, 5000),
    game,
    kind,
    action: randomAction(rng),
    players: randomPlayers(rng, count),
    seeds: Array.from({ length: count }, () => randomHex(rng, 32).slice(2)),
    prevHash: rng.int(0, 4) === 0 ? '0'.repeat(64) : randomHex(rng, 32).slice(2),
  };
}

describe('FairplayAlpha.alpha', () => {
  it.each(WORKED.alpha.map((v) => [v.what, v] as const))('is the worked example’s published alpha (%s)', async (_what, v) => {
    const draw: Draw = { ...v, players: [...v.players], seeds: [...v.seeds] };
    expect(await chainAlpha(draw)).toBe('0x' + v.alpha);
    expect(await chainAlpha({ ...draw, players: [...draw.players].reverse(), seeds: [...draw.seeds].reverse() })).toBe('0x' + v.alpha);
  });

  it('is encodeAlpha over random draws, in whatever order the players come', async () => {
    const rng = seededRandom('fairplay-alpha random draws');
    for (let i = 0; i < 60; i++) {
      const draw = randomDraw(rng);
      const expected = tsAlpha(draw);
      expect(await chainAlpha(draw), `draw ${i}: ${JSON.stringify(draw)}`).toBe(expected);
      // Another order of the same players and seeds gives the same alpha on chain too.
      const order = draw.players.map((_, k) => k).sort(() => rng.next() - 0.5);
      const shuffled = { ...draw, players: order.map((k) => draw.players[k]!), seeds: order.map((k) => draw.seeds[k]!) };
      expect(await chainAlpha(shuffled), `draw ${i} reordered`).toBe(expected);
    }
  });

  it('refuses a player twice and players without one seed each, as the receipt rules do', async () => {
    const rng = seededRandom('fairplay-alpha refusals');
    for (let i = 0; i < 10; i++) {
      const draw = randomDraw(rng);
      const twice = draw.players[rng.int(0, draw.players.length - 1)]!;
      const at = rng.int(0, draw.players.length);
      const withTwice = { ...draw, players: [...draw.players.slice(0, at), twice.toLowerCase(), ...draw.players.slice(at)], seeds: [...draw.seeds, randomHex(rng, 32).slice(2)] };
      expect(await revertName(lib.interface, chainAlpha(withTwice))).toBe('DuplicatePlayer');
      expect(await revertName(lib.interface, chainAlpha({ ...draw, seeds: draw.seeds.slice(1) }))).toBe('PlayersSeedsMismatch');
      expect(await revertName(lib.interface, chainAlpha({ ...draw, seeds: [...draw.seeds, randomHex(rng, 32).slice(2)] }))).toBe('PlayersSeedsMismatch');
    }
  });
});

describe('FairplayAlpha.raidLootAction', () => {
  it('is the canonical JSON of the loot action the raid room signs, and builds the same alpha', async () => {
    const rng = seededRandom('fairplay-alpha raid loot actions');
    const rounds = [0, 1, Number.MAX_SAFE_INTEGER, ...Array.from({ length: 12 }, () => rng.int(0, 10 ** rng.int(1, 15)))];
    for (const round of rounds) {
      const chest = rng.int(0, 15);
      const action = { round, chest, table: RAID_LOOT_MAPPING };
      const bytes = (await lib.getFunction('raidLootAction')(round, chest)) as string;
      expect(bytes, `round ${round}, chest ${chest}`).toBe(hex(toUtf8Bytes(canonicalJson(action))));
      const draw = { ...randomDraw(rng), game: 'raid', kind: 'loot', action };
      expect(await chainAlpha(draw, bytes as unknown as Uint8Array)).toBe(tsAlpha(draw));
    }
  });

  it('refuses what the loot action schema and canonical JSON refuse', async () => {
    expect(() => canonicalJson({ round: 2 ** 53, chest: 0, table: RAID_LOOT_MAPPING })).toThrow();
    expect(await revertName(lib.interface, lib.getFunction('raidLootAction')(2n ** 53n, 0))).toBe('NotSafeInteger');
    expect(await revertName(lib.interface, lib.getFunction('raidLootAction')(0, 16))).toBe('ChestOutOfRange');
  });
});

describe('gas', () => {
  it('of building a raid loot alpha for 2 players (printed, not asserted)', async () => {
    const rng = seededRandom('fairplay-alpha gas');
    const players = randomPlayers(rng, 2);
    const seeds = [randomHex(rng, 32), randomHex(rng, 32)];
    const gas = (await lib.getFunction('raidLootAlphaGas')('worked-raid', 1234, 42, 3, players, seeds, randomHex(rng, 32))) as bigint;
    console.log(`gas: FairplayAlpha.alpha of a raid loot draw, 2 players, action built on chain: ${gas}`);
    expect(gas).toBeGreaterThan(0n);
  });
});
