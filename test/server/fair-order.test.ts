import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatherUnits } from '../../server/awards/accumulation.ts';
import { WITHDRAWAL_ROOM, type Award } from '../../server/awards/award-sink.ts';
import { fairOrder } from '../../server/awards/fair-order.ts';
import { parseMinAwardAmounts } from '../../server/awards/min-award-amounts.ts';
import { loadConfig } from '../../server/config.ts';
import { propertyParams } from '../helpers/seed.ts';

/** An award of player `p` (a short name stands for an address here), numbered n in the outbox. */
const award = (p: string, n: number, tokenId = 1, amount = 1, roomId = 'room'): Award => ({
  awardId: n.toString(16).padStart(64, '0'),
  player: p,
  tokenId,
  amount,
  source: { roomId, drawSeq: n, recordSeq: n, recordHash: '0'.repeat(64) },
});

const single = (minted: Record<string, number> = {}) => ({
  playerOf: (a: Award) => a.player,
  sizeOf: () => 1,
  mintedThisEpoch: (p: string) => minted[p] ?? 0,
});

const ranked = (order: readonly Award[], minted: Record<string, number>) => {
  const seen = new Map<string, number>();
  return order.map((a) => {
    const k = seen.get(a.player) ?? 0;
    seen.set(a.player, k + 1);
    return (minted[a.player] ?? 0) + k;
  });
};

/** The outbox: a player (of a few) per award, and awards each player had minted this epoch. */
const outboxes = fc.record({
  players: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 60 }),
  minted: fc.record({ a: fc.nat(5), b: fc.nat(5), c: fc.nat(5), d: fc.nat(5), e: fc.nat(5) }),
});

describe('the fair order of pending awards', () => {
  it('takes a backlog round-robin: the one award of a later player comes second, not last', () => {
    const outbox = [...Array.from({ length: 5 }, (_, i) => award('x', i)), award('y', 5)];
    expect([...fairOrder(outbox, single())].map((a) => a.awardId)).toEqual([0, 5, 1, 2, 3, 4].map((n) => outbox.find((a) => a.source.drawSeq === n)!.awardId));
  });

  it('counts what each player had minted this epoch', () => {
    const outbox = [award('x', 0), award('x', 1), award('y', 2)];
    expect([...fairOrder(outbox, single({ y: 2 }))].map((a) => a.source.drawSeq)).toEqual([0, 1, 2]);
    expect([...fairOrder(outbox, single({ x: 1 }))].map((a) => a.source.drawSeq)).toEqual([2, 0, 1]);
  });

  it('is a permutation, in rank order, outbox order among equal ranks and within a player (random outboxes)', () => {
    fc.assert(
      fc.property(outboxes, ({ players, minted }) => {
        const outbox = players.map((p, n) => award(p, n));
        const order = [...fairOrder(outbox, single(minted))];
        expect(order.map((a) => a.source.drawSeq).sort((x, y) => x - y)).toEqual(outbox.map((a) => a.source.drawSeq));
        const ranks = ranked(order, minted);
        for (let i = 1; i < order.length; i++) {
          expect(ranks[i]!).toBeGreaterThanOrEqual(ranks[i - 1]!);
          if (ranks[i] === ranks[i - 1]) expect(order[i]!.source.drawSeq).toBeGreaterThan(order[i - 1]!.source.drawSeq);
          if (order[i]!.player === order[i - 1]!.player) expect(order[i]!.source.drawSeq).toBeGreaterThan(order[i - 1]!.source.drawSeq);
        }
        // A player with nothing minted this epoch: its first award comes before anyone's second of the epoch.
        for (const p of new Set(players)) {
          if ((minted as Record<string, number>)[p] !== 0) continue;
          const first = order.findIndex((a) => a.player === p);
          expect(ranks.slice(0, first).every((r) => r === 0)).toBe(true);
        }
      }),
      propertyParams('fair order', { numRuns: 200 }),
    );
  });

  it("takes a batch out of a sybil backlog (200,000 awards of 20,000 players) one award per player, and prints what it cost", () => {
    const outbox = Array.from({ length: 200_000 }, (_, n) => award(`p${Math.floor(n / 10)}`, n));
    const started = performance.now();
    const { units } = gatherUnits(outbox, new Map());
    const order = fairOrder(units, { playerOf: (u) => u[0]!.player, sizeOf: (u) => u.length, mintedThisEpoch: () => 0 });
    const batch: Award[] = [];
    for (const unit of order) if (batch.push(...unit) >= 100) break;
    const ms = performance.now() - started;
    console.log(`a batch of 100 out of 200,000 pending awards of 20,000 players: ${ms.toFixed(1)} ms (grouping and ordering)`);
    expect(new Set(batch.map((a) => a.player)).size).toBe(100);
    expect(batch.map((a) => a.source.drawSeq)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
  });

  it('gives a unit of several awards as many ranks as it holds', () => {
    const units = [[award('x', 0), award('x', 1), award('x', 2)], [award('x', 3)], [award('y', 4)], [award('y', 5)], [award('y', 6)], [award('y', 7)]];
    const order = [...fairOrder(units, { playerOf: (u) => u[0]!.player, sizeOf: (u) => u.length, mintedThisEpoch: () => 0 })];
    // x's unit has ranks 0-2, so x's next award (rank 3) comes after y's ranks 0, 1 and 2.
    expect(order.map((u) => u[0]!.source.drawSeq)).toEqual([0, 4, 5, 6, 3, 7]);
  });
});

describe('awards below their token minimum', () => {
  const minimums = new Map([[101, 3]]);

  it('wait until the player has the minimum, then go as one unit in the place of the first', () => {
    const two = gatherUnits([award('x', 0, 101), award('y', 1, 1), award('x', 2, 101)], minimums);
    expect(two.units.map((u) => u.map((a) => a.source.drawSeq))).toEqual([[1]]);
    expect([...two.accumulating.values()]).toEqual([
      { tokenId: 101, have: 2, need: 3 },
      { tokenId: 101, have: 2, need: 3 },
    ]);
    const three = gatherUnits([award('x', 0, 101), award('y', 1, 1), award('x', 2, 101), award('X', 3, 101)], minimums);
    expect(three.units.map((u) => u.map((a) => a.source.drawSeq))).toEqual([[0, 2, 3], [1]]);
    expect(three.accumulating.size).toBe(0);
  });

  it('count amounts per player and token, never hold a cash-out', () => {
    const gathered = gatherUnits([award('x', 0, 101, 2), award('y', 1, 101, 2), award('x', 2, 1, 1, WITHDRAWAL_ROOM), award('y', 3, 101, 5)], new Map([[101, 3], [1, 50]]));
    expect(gathered.units.map((u) => u.map((a) => a.source.drawSeq))).toEqual([[1, 3], [2]]);
    expect(gathered.accumulating.get(award('x', 0).awardId)).toEqual({ tokenId: 101, have: 2, need: 3 });
  });
});

describe('MIN_AWARD_AMOUNTS', () => {
  it('reads token:amount pairs, and says what is wrong with a bad one', () => {
    expect(parseMinAwardAmounts('', [1, 101])).toEqual(new Map());
    expect(parseMinAwardAmounts(' 101:3, 1:1 ', [1, 101])).toEqual(new Map([[101, 3]]));
    expect(parseMinAwardAmounts('101:0', [1, 101])).toMatch(/whole amount of at least 1.*"101:0"/);
    expect(parseMinAwardAmounts('101=3', [1, 101])).toMatch(/<tokenId>:<amount>/);
    expect(parseMinAwardAmounts('7:3', [1, 101])).toMatch(/token 7, which is not one of this server's tokens \(1, 101\)/);
    expect(parseMinAwardAmounts('101:3,101:4', [1, 101])).toMatch(/token 101 twice/);
  });

  it('is checked when the server starts', () => {
    expect(loadConfig({ MIN_AWARD_AMOUNTS: '1:5' }).minAwardAmounts).toEqual(new Map([[1, 5]]));
    expect(() => loadConfig({ MIN_AWARD_AMOUNTS: '1:x' })).toThrow(/MIN_AWARD_AMOUNTS must be comma-separated <tokenId>:<amount> pairs/);
  });
});
