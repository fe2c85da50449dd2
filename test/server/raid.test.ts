/**
 * Treasure raid over real WebSockets: two players in one room commit to seeds for the round's
 * chest draw, the chests stand where that draw says, one player walks to a chest and opens it,
 * and the loot is an item's token award or bonus chips. A chip find is bonus (never withdrawable)
 * and mints nothing: free play earns nothing that can be cashed out. Every draw of the room's
 * transcript verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { CHESTS_PER_ROUND, chestsOutcome, CHIPS_LOOT, FREE_TILES, LOOT_TABLE, RAID_REACH, stepPlayer } from '../../games/raid/rules.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { outcomeProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, type FairnessParams } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The chips answer's figures this file reads (units, but `withdrawableCoins`). */
interface ChipsAnswer {
  balance: number;
  bonus: number;
  wageringRequirement: number;
  withdrawable: number;
  withdrawableCoins: number;
}
type Awards = { awards: { tokenId: number; amount: number; source: { recordHash: string } }[] };

let server: ServerProcess;
let fairness: FairnessParams;
beforeAll(async () => {
  server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '100', RAID_ROUND_SECONDS: '60' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

describe('the raid mappings', () => {
  it('place distinct chests on free tiles, and pick loot by the published weights', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const beta = new Uint8Array(64).map((_, j) => (i * 131 + j * 17 + ((i * j) % 251)) & 0xff);
      const { tiles } = chestsOutcome(beta, { round: 1, count: CHESTS_PER_ROUND });
      expect(new Set(tiles.map(String)).size).toBe(CHESTS_PER_ROUND);
      for (const t of tiles) expect(FREE_TILES.some((f) => f[0] === t[0] && f[1] === t[1])).toBe(true);
      seen.set(String(tiles[0]), (seen.get(String(tiles[0])) ?? 0) + 1);
    }
    expect(seen.size).toBeGreaterThan(FREE_TILES.length / 2);
    expect(LOOT_TABLE.reduce((s, l) => s + l.weight, 0)).toBe(100);
  });

  it('move players at the published speed and never into a wall', () => {
    let p = { x: 1.5, y: 1.5 };
    for (let i = 0; i < 200; i++) {
      const next = stepPlayer(p, { dx: 1, dy: 0 }, 0.05);
      expect(Math.hypot(next.x - p.x, next.y - p.y)).toBeLessThanOrEqual(4 * 0.05 * 1.0001);
      p = next;
    }
    expect(p.x).toBeCloseTo(7 - 0.3, 5); // against the wall at x = 7 on row 1, body radius 0.3
    expect(stepPlayer({ x: 1.5, y: 1.5 }, { dx: 1, dy: 1 }, 0.1)).toEqual(stepPlayer({ x: 1.5, y: 1.5 }, { dx: 0.7071067811865476, dy: 0.7071067811865476 }, 0.1));
  });
});

describe('a treasure-raid round over real WebSockets', () => {
  it('places the chests by a draw over both players\' seeds, opens one, gives its loot; every draw verifies', async () => {
    const a = await Raider.join(server.url);
    const b = await Raider.join(server.url, a.room.roomId);
    const chestOutcome = await a.until('the chest draw', () => a.messages.find((m) => m.type === 'outcome' && m.body.record.drawSeq >= 0 && a.state.phase === 'playing')?.body);
    const receipt = a.messages.find((m) => m.type === 'receipt' && m.body.kind === 'chests')!.body;
    expect(receipt.players.map((p: string) => p.toLowerCase()).sort()).toEqual([a.address, b.address].map((x) => x.toLowerCase()).sort());
    expect(outcomeProblems(receipt, chestOutcome.record, fairness)).toEqual([]);
    const tiles = chestOutcome.record.result.tiles as [number, number][];
    expect(a.state.chests.map((c) => [c.x, c.y])).toEqual(tiles);
    expect(tiles).toEqual(chestsOutcome(hexToBytes(chestOutcome.record.beta), { round: receipt.action.round, count: CHESTS_PER_ROUND }).tiles);

    // A opens the chest nearest to it; B sees it happen.
    const me = a.me()!;
    const byDistance = [...a.state.chests].sort((p, q) => Math.hypot(p.x - me.x, p.y - me.y) - Math.hypot(q.x - me.x, q.y - me.y));
    const chest = byDistance[0]!;
    // The farthest chest is out of reach (6 distinct tiles cannot all be within 1.2 tiles): refused.
    const far = byDistance.at(-1)!;
    expect(Math.hypot(far.x + 0.5 - me.x, far.y + 0.5 - me.y)).toBeGreaterThan(RAID_REACH);
    await a.open(far.id);
    expect((await a.until('a refusal', () => a.messages.find((m) => m.type === 'error')))?.body.code).toBe('too-far');
    await a.walkTo(chest.x, chest.y);
    await a.open(chest.id);
    const loot = await a.until('the loot', () => a.messages.find((m) => m.type === 'outcome' && m.body.record.result.item)?.body);
    await b.until('B sees the chest open', () => b.state.chests.find((c) => c.id === chest.id)?.openedBy === a.address);
    // The outcome is a message, the find a state change: A's patch may come after B's.
    await a.until('A holds its find', () => a.me()!.finds.length > 0);
    expect([...a.me()!.finds]).toEqual([loot.record.result.item]);

    const transcript = await getJson<Transcript>(`${server.url}/rooms/${a.room.roomId}/transcript`);
    const report = verifyTranscript(transcript, fairness);
    expect(report.records.filter((r) => r.problems.length)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(transcript.records.filter((r) => r.type === 'outcome')).toHaveLength(2);

    // An item is its token's award; bonus chips are no award at all.
    const awards = await getJson<Awards>(`${server.url}/players/${a.address}/awards`);
    const { item, tokenId, amount } = loot.record.result as { item: string; tokenId?: number; amount: number };
    console.log(`the loot: ${amount} ${item}`);
    if (item === CHIPS_LOOT) expect(awards.awards).toEqual([]);
    else expect(awards.awards).toEqual([expect.objectContaining({ tokenId, amount, source: expect.objectContaining({ recordHash: loot.recordHash }) })]);
    await Promise.all([a.room.leave(), b.room.leave()]);
  });

  it('a chip find is bonus chips: the balance and the bonus grow, nothing withdrawable, nothing minted', async () => {
    const raider = await Raider.join(server.url);
    const chipsUrl = `${server.url}/players/${raider.address}/chips`;
    // The starting bonus is granted at the first join.
    const before = await waitFor(async () => {
      const c = await getJson<ChipsAnswer>(chipsUrl);
      return c.bonus > 0 && c;
    }, { what: 'the starting bonus' });
    expect(before.withdrawable).toBe(0);
    // Open the nearest standing chest until one holds chips (3 in 4 do; a round has 6 chests).
    let find: Awaited<ReturnType<Raider['openNearest']>>;
    const items: string[] = [];
    for (let opened = 0; !find && opened < 12; opened++) {
      const loot = await raider.openNearest();
      if (loot?.record.result.item === CHIPS_LOOT) find = loot;
      else if (loot) items.push(loot.record.result.item);
    }
    expect(find, 'a chip find within 12 chests').toBeDefined();
    const chips = find!.record.result.amount * UNITS_PER_CHIP;
    console.log(`items found first: ${items.length ? items.join(', ') : 'none'}; then ${find!.record.result.amount} bonus chips (draw ${find!.record.drawSeq})`);
    expect(find!.record.result).not.toHaveProperty('tokenId');

    // The find is counted as bonus: balance and bonus up by its chips, the wagering requirement
    // up 30 times that, and not a unit of it withdrawable.
    const after = await waitFor(async () => {
      const c = await getJson<ChipsAnswer>(chipsUrl);
      return c.balance === before.balance + chips && c;
    }, { what: `the ${chips} units of the find in the balance` });
    expect(after.bonus).toBe(before.bonus + chips);
    expect(after.wageringRequirement).toBe(before.wageringRequirement + 30 * chips);
    expect(after.withdrawable).toBe(before.withdrawable);
    expect(after.withdrawableCoins).toBe(0);

    // Nothing minted for it: the only awards are the items found before it, and no coin.
    const awards = await getJson<Awards>(`${server.url}/players/${raider.address}/awards`);
    expect(awards.awards.map((a) => a.source.recordHash)).not.toContain(find!.recordHash);
    expect(awards.awards.filter((a) => a.tokenId === 1)).toEqual([]);
    expect(awards.awards).toHaveLength(items.length);
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${raider.room.roomId}/transcript`);
    expect(verifyTranscript(transcript, fairness).records.filter((r) => r.problems.length)).toEqual([]);
    await raider.room.leave();
  });

  it('a player who never reveals a chest seed is left out of the redraw: the chests stand within two rounds', async () => {
    const honest = await Raider.join(server.url);
    const staller = await Raider.join(server.url, honest.room.roomId);
    staller.revealChests = false;
    const placed = await honest.until(
      'chests placed',
      () => honest.state.phase === 'playing' && honest.messages.find((m) => m.type === 'outcome' && m.body.record.result.tiles)?.body,
      60_000,
    );
    const voids = honest.messages.filter((m) => m.type === 'void');
    // The first chest draw waited for the staller's seed and was voided, naming the staller's place in its receipt.
    expect(voids).toHaveLength(1);
    const voided = honest.messages.find((m) => m.type === 'receipt' && m.body.drawSeq === voids[0]!.body.drawSeq)!.body;
    const place = voided.players.findIndex((p: string) => p.toLowerCase() === staller.address.toLowerCase());
    expect(voids[0]!.body.reason).toBe('reveal-timeout');
    expect(voids[0]!.body.record).toMatchObject({ type: 'void', reason: 'reveal-timeout', missing: [place] });
    // The redraw, in the next round, left the staller out and placed the chests.
    const redraw = honest.messages.find((m) => m.type === 'receipt' && m.body.drawSeq === placed.record.drawSeq)!.body;
    expect(redraw.players.map((p: string) => p.toLowerCase())).toEqual([honest.address.toLowerCase()]);
    expect(redraw.action.round).toBe(voided.action.round + 1);
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${honest.room.roomId}/transcript`);
    expect(verifyTranscript(transcript, fairness).records.filter((r) => r.problems.length)).toEqual([]);
    await Promise.all([honest.room.leave(), staller.room.leave()]);
  });
});
