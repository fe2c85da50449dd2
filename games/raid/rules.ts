/**
 * Treasure raid (mappings `raid-chests-v1` and `raid-loot-v1`): the published map, where a
 * round's chests stand, and what a chest holds. Chest tiles: the map's free tiles in row-major
 * order, then `count` distinct ones picked by successive `int(remaining)` draws from beta (a
 * partial Fisher-Yates). Loot: `weighted` over the loot table of the rules document the receipt
 * pins: bonus chips (credited to the opener as a bonus, never withdrawable: free play earns
 * nothing that can be cashed out) or an item token (an award minted on find). The table was first
 * published with coins (token 1, minted on find) where the chips are now: receipts pinning that
 * table (and v1 receipts, which pin none) still verify by it. Movement rules live here too so the
 * server and the client's prediction step players identically.
 * @module
 */
import { z } from 'zod';
import { OutcomeReader } from '../../vrf/outcome.ts';
import { TracedStream, weightRanges } from '../explain.ts';
import { noMoves, type DrawTerms, type Explanation, type ExplainStep, type GameRules, type RoomRules, type RulesTerms } from '../game-rules.ts';

export const RAID_CHESTS_MAPPING = 'raid-chests-v1';
export const RAID_LOOT_MAPPING = 'raid-loot-v1';

/** '#' wall, '.' floor. 20 x 12 tiles; (0, 0) is the top left tile. */
export const RAID_MAP: readonly string[] = [
  '####################',
  '#......#...........#',
  '#.##...#....###....#',
  '#.#..........#.....#',
  '#.#...####...#..#..#',
  '#.....#......#..#..#',
  '#..#..#...#.....#..#',
  '#..#......#..####..#',
  '#..####...#........#',
  '#.........#...##...#',
  '#....#.........#...#',
  '####################',
];
export const RAID_WIDTH = RAID_MAP[0]!.length;
export const RAID_HEIGHT = RAID_MAP.length;

export function isWall(x: number, y: number): boolean {
  return RAID_MAP[y]?.[x] !== '.';
}

/** Free tiles, row-major: the list chest draws index into. */
export const FREE_TILES: readonly (readonly [number, number])[] = RAID_MAP.flatMap((row, y) =>
  [...row].flatMap((c, x) => (c === '.' ? [[x, y] as const] : [])),
);

export const ChestsActionSchema = z.strictObject({
  round: z.number().int().min(0),
  count: z.number().int().min(1).max(16),
});
export type ChestsAction = z.infer<typeof ChestsActionSchema>;

export function chestsOutcome(beta: Uint8Array, a: ChestsAction): { tiles: [number, number][] } {
  const reader = new OutcomeReader(beta);
  const pool = FREE_TILES.map((t) => [t[0], t[1]] as [number, number]);
  const tiles: [number, number][] = [];
  for (let i = 0; i < a.count; i++) {
    const j = reader.int(pool.length);
    tiles.push(pool[j]!);
    pool[j] = pool[pool.length - 1]!;
    pool.pop();
  }
  return { tiles };
}

/** The loot item that is bonus chips: `amount` whole chips, credited to the opener as a bonus (no token). */
export const CHIPS_LOOT = 'chips';

/** An entry of the loot table: bonus chips (no token), or an item token (`tokenId`) minted on find. */
export type LootEntry =
  | { readonly item: typeof CHIPS_LOOT; readonly amount: number; readonly weight: number; readonly rarity: string }
  | { readonly item: string; readonly tokenId: number; readonly amount: number; readonly weight: number; readonly rarity: string };

const ITEM_LOOT: readonly LootEntry[] = [
  { item: 'emerald', tokenId: 101, amount: 1, weight: 15, rarity: 'uncommon' },
  { item: 'ruby', tokenId: 102, amount: 1, weight: 8, rarity: 'rare' },
  { item: 'crown', tokenId: 103, amount: 1, weight: 2, rarity: 'legendary' },
];

/** What a chest may hold, with its weight out of the table's total (100). Chips are whole chips. */
export const LOOT_TABLE: readonly LootEntry[] = [
  { item: CHIPS_LOOT, amount: 10, weight: 50, rarity: 'common' },
  { item: CHIPS_LOOT, amount: 25, weight: 25, rarity: 'common' },
  ...ITEM_LOOT,
];

/** The table as first published: coins (token 1) where the chips are. Earlier receipts' draws verify by it; no new draw uses it. */
export const COIN_LOOT_TABLE: readonly LootEntry[] = [
  { item: 'coins', tokenId: 1, amount: 10, weight: 50, rarity: 'common' },
  { item: 'coins', tokenId: 1, amount: 25, weight: 25, rarity: 'common' },
  ...ITEM_LOOT,
];

const Count = z.number().int().min(1).max(1_000_000);
const LootTableSchema = z
  .array(
    z.union([
      z.strictObject({ item: z.literal(CHIPS_LOOT), amount: Count, weight: Count, rarity: z.string() }),
      z.strictObject({ item: z.string().refine((i) => i !== CHIPS_LOOT), tokenId: Count, amount: Count, weight: Count, rarity: z.string() }),
    ]),
  )
  .min(1)
  .max(64);
const tables = new WeakMap<object, readonly LootEntry[]>();

/** The loot table of a rules document's terms (the first one for a v1 receipt, which pins none). Throws on one it cannot read. */
export function lootTableOf(terms: RulesTerms | undefined): readonly LootEntry[] {
  if (terms === undefined) return COIN_LOOT_TABLE;
  let table = tables.get(terms);
  if (!table) tables.set(terms, (table = LootTableSchema.parse(terms['lootTable'])));
  return table;
}

/** A loot draw's result: bonus chips `{ item: 'chips', amount, rarity }`, or an item with its `tokenId`. */
export type LootResult = { item: string; amount: number; rarity: string; tokenId?: number };

/** The item entries of the table (those with a token). */
export function isItemLoot(entry: LootEntry): entry is Extract<LootEntry, { tokenId: number }> {
  return 'tokenId' in entry;
}

/** The result a table entry makes (a plain JSON object: no `tokenId` key for chips). */
function lootResult(entry: LootEntry): LootResult {
  return isItemLoot(entry)
    ? { item: entry.item, tokenId: entry.tokenId, amount: entry.amount, rarity: entry.rarity }
    : { item: entry.item, amount: entry.amount, rarity: entry.rarity };
}

export const LootActionSchema = z.strictObject({
  round: z.number().int().min(0),
  chest: z.number().int().min(0).max(15),
  table: z.literal(RAID_LOOT_MAPPING),
});
export type LootAction = z.infer<typeof LootActionSchema>;

export function lootOutcome(beta: Uint8Array, _a: LootAction, table: readonly LootEntry[] = LOOT_TABLE): LootResult {
  return lootResult(table[new OutcomeReader(beta).weighted(table.map((l) => l.weight))]!);
}

/** Loot in words with the plural right: "10 bonus chips", "1 bonus chip", "25 coins" (the first table's), "1 ruby" (no rarity). */
export function lootWords(item: string, amount: number): string {
  if (item === CHIPS_LOOT) return `${amount} bonus ${amount === 1 ? 'chip' : 'chips'}`;
  if (item === 'coins') return `${amount} ${amount === 1 ? 'coin' : 'coins'}`;
  return `${amount} ${item}`;
}

/** A chest draw in words: "6 chests placed at (3, 1), (12, 7), …". */
export function describeChests(result: Readonly<Record<string, unknown>>): string {
  const tiles = Array.isArray(result['tiles']) ? (result['tiles'] as unknown[]) : [];
  return `${tiles.length} ${tiles.length === 1 ? 'chest' : 'chests'} placed at ${tiles.map((t) => `(${String((t as unknown[])[0])}, ${String((t as unknown[])[1])})`).join(', ')}`;
}

/** A loot draw in words: "found 10 bonus chips", "found 1 ruby (rare)". */
export function describeLoot(result: Readonly<Record<string, unknown>>): string {
  const item = String(result['item']);
  const plain = item === CHIPS_LOOT || item === 'coins';
  return `found ${lootWords(item, Number(result['amount']))}${result['rarity'] && !plain ? ` (${String(result['rarity'])})` : ''}`;
}

/** Where the chests stand, step by step (see `chestsOutcome`). */
function explainChests(beta: Uint8Array, a: ChestsAction): Explanation {
  const stream = new TracedStream(beta);
  const pool = FREE_TILES.map((t) => [t[0], t[1]] as [number, number]);
  const steps: ExplainStep[] = [{ label: 'the free tiles', value: `${pool.length} floor tiles of the map, numbered from 0 row by row from the top left` }];
  const tiles: [number, number][] = [];
  for (let i = 0; i < a.count; i++) {
    const { value: j, attempts } = stream.int(pool.length);
    const tile = pool[j]!;
    tiles.push(tile);
    steps.push({ label: `chest ${i + 1}: one of the ${pool.length} tiles left`, value: `${attempts.join('; ')} → tile ${j}, at (${tile[0]}, ${tile[1]}); the list's last tile takes its number` });
    pool[j] = pool[pool.length - 1]!;
    pool.pop();
  }
  const result = { tiles };
  return [...steps, { label: 'result', value: describeChests(result), result }];
}

/** What the chest holds, step by step (see `lootOutcome`). */
function explainLoot(beta: Uint8Array, table: readonly LootEntry[]): Explanation {
  const weights = table.map((l) => l.weight);
  const total = weights.reduce((s, w) => s + w, 0);
  const ranges = weightRanges(weights);
  const names = table.map((l) => describeLoot(l).replace(/^found /, ''));
  const steps: ExplainStep[] = [{ label: 'the loot table', value: table.map((_, i) => `${names[i]}: ${ranges[i]!.from}–${ranges[i]!.to}`).join(', ') + ` (out of ${total})` }];
  const { value: r, attempts } = new TracedStream(beta).int(total);
  attempts.forEach((attempt, i) => steps.push({ label: i === 0 ? `a number from 0 to ${total - 1}: beta's first bytes` : 'too big, so the next bytes', value: attempt }));
  const k = ranges.findIndex((range) => r <= range.to);
  steps.push({ label: `where ${r} falls in the table`, value: `${ranges[k]!.from}–${ranges[k]!.to} → ${names[k]}` });
  const result = lootResult(table[k]!);
  return [...steps, { label: 'result', value: describeLoot(result), result }];
}

/** Tiles per second. */
export const RAID_SPEED = 4;
/** Half the side of a player's square body, in tiles. */
export const RAID_RADIUS = 0.3;
/** How close (centre to centre, in tiles) a player must stand to open a chest. */
export const RAID_REACH = 1.2;

/** Where a player at (x, y) ends after moving along (dx, dy) for `dt` seconds, sliding along walls. */
export function stepPlayer(pos: { x: number; y: number }, dir: { dx: number; dy: number }, dt: number): { x: number; y: number } {
  const len = Math.hypot(dir.dx, dir.dy);
  if (len === 0 || dt <= 0) return { x: pos.x, y: pos.y };
  const scale = (RAID_SPEED * Math.min(dt, 0.25)) / Math.max(1, len);
  let { x, y } = pos;
  x = slide(x + dir.dx * scale, dir.dx, (v) => blocked(v, y), x);
  y = slide(y + dir.dy * scale, dir.dy, (v) => blocked(x, v), y);
  return { x, y };
}

/** The wanted coordinate if free; else as far as the body goes towards it, flush with the wall. */
function slide(wanted: number, direction: number, hits: (v: number) => boolean, from: number): number {
  if (!hits(wanted)) return wanted;
  const flush = direction > 0 ? Math.floor(wanted + RAID_RADIUS) - RAID_RADIUS - 1e-9 : Math.floor(wanted - RAID_RADIUS) + 1 + RAID_RADIUS + 1e-9;
  return (direction > 0 ? flush > from : flush < from) && !hits(flush) ? flush : from;
}

/** Whether a body centred at (x, y) overlaps a wall. */
export function blocked(x: number, y: number): boolean {
  const r = RAID_RADIUS;
  for (const [cx, cy] of [[x - r, y - r], [x + r, y - r], [x - r, y + r], [x + r, y + r]] as const)
    if (isWall(Math.floor(cx), Math.floor(cy))) return true;
  return false;
}

/** Chests a round places: the `count` of every chest draw. */
export const CHESTS_PER_ROUND = 6;

/**
 * A loot draw opens a chest that stands: one of the `count` chests its round's chest draw
 * placed, not opened by an earlier loot draw still open or settled (a voided one frees it).
 */
function raidRoomRules(): RoomRules {
  const placed = new Map<number, number>(); // round -> chests placed
  const opened = new Set<string>(); // `${round}/${chest}` of loot draws open or settled
  const chestOf = (action: DrawTerms['action']) => `${String(action['round'])}/${String(action['chest'])}`;
  return {
    receipt(draw) {
      if (draw.kind !== 'loot') return [];
      const round = Number(draw.action['round']);
      const chest = Number(draw.action['chest']);
      const count = placed.get(round);
      if (count === undefined) return [`loot of round ${round}, whose chests were never placed by a settled chest draw`];
      if (!(chest < count)) return [`loot of chest ${chest}, but round ${round} placed ${count} chests`];
      if (opened.has(chestOf(draw.action))) return [`chest ${chest} of round ${round} was already opened`];
      opened.add(chestOf(draw.action));
      return [];
    },
    ended(draw, result) {
      if (draw.kind === 'chests' && result) placed.set(Number(draw.action['round']), (result['tiles'] as unknown[] | undefined)?.length ?? 0);
      if (draw.kind === 'loot' && !result) opened.delete(chestOf(draw.action));
    },
  };
}

export const raid: GameRules = {
  id: 'raid',
  title: 'Treasure raid',
  maxClients: 8,
  roomRules: raidRoomRules,
  terms: { map: [...RAID_MAP], chestsPerRound: CHESTS_PER_ROUND, lootTable: LOOT_TABLE.map((l) => ({ ...l })) },
  earlierTerms: [{ map: [...RAID_MAP], chestsPerRound: CHESTS_PER_ROUND, lootTable: COIN_LOOT_TABLE.map((l) => ({ ...l })) }],
  items: LOOT_TABLE.filter(isItemLoot).map((l) => ({ tokenId: l.tokenId, name: l.item, rarity: l.rarity, foundIn: 'a treasure-raid chest' })),
  mappings: {
    // maxPayout counts chips staked and paid back, and no raid draw takes a stake: chests place
    // tiles, loot credits bonus chips or awards an item token for free. The court's terms are 0
    // (FAIRNESS.md section 5c says what that leaves uncovered).
    chests: {
      version: RAID_CHESTS_MAPPING,
      result: (beta, action, moves) => (noMoves(moves), chestsOutcome(beta, ChestsActionSchema.parse(action))),
      maxPayout: (action) => (ChestsActionSchema.parse(action), 0),
      explain: (beta, action, moves) => (noMoves(moves), explainChests(beta, ChestsActionSchema.parse(action))),
      describe: (result) => describeChests(result),
      describeRequest: (a) => `place the chests of round ${String(a['round'])}`,
    },
    loot: {
      version: RAID_LOOT_MAPPING,
      result: (beta, action, moves, terms) => (noMoves(moves), lootOutcome(beta, LootActionSchema.parse(action), lootTableOf(terms))),
      maxPayout: (action) => (LootActionSchema.parse(action), 0),
      explain: (beta, action, moves, terms) => (noMoves(moves), LootActionSchema.parse(action), explainLoot(beta, lootTableOf(terms))),
      describe: (result) => describeLoot(result),
      describeRequest: (a) => `open chest ${String(a['chest'])} of round ${String(a['round'])}`,
      tally: {
        title: 'Loot found against the published loot table',
        unit: ['chest opened', 'chests opened'],
        bins: LOOT_TABLE.map((l) => ({ label: `${l.item === CHIPS_LOOT ? lootWords(l.item, l.amount) : l.item} (${l.rarity})`, weight: l.weight })),
        binOf: (r) => {
          const i = LOOT_TABLE.findIndex((l) => l.item === r['item'] && l.amount === r['amount']);
          return i < 0 ? undefined : i;
        },
      },
    },
  },
};
