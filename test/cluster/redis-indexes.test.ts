/**
 * The cluster's indexes against a real redis-server, fed with records the server's own
 * RoomTranscript wrote: used commitments claimed all or none and by one of two processes
 * claiming at once; players' draws paged with their ends, unchanged when fed again; a room
 * marked indexed only once flushed; and after Redis loses every key (FLUSHALL), both rebuilt
 * from the transcripts before they claim or answer again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { RedisCommitmentRegistry } from '../../server/cluster/redis-commitments.ts';
import { RedisDrawIndex } from '../../server/cluster/redis-draws.ts';
import { CommitmentUsed } from '../../server/indexes/commitments.ts';
import type { PlayerDraw } from '../../server/indexes/draws.ts';
import { catchUpIndexes, type RecordIndex } from '../../server/indexes/record-index.ts';
import { Journal } from '../../server/storage/journal.ts';
import { filedRoom } from '../fairness/room-fixture.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

let redis: TestRedis;
const connections: Redis[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await redis?.stop();
});

const connect = (): Redis => {
  const c = new Redis(redis.url);
  connections.push(c);
  return c;
};
const commitment = () => seedCommitment(newSeed());
const silent = pino({ level: 'silent' });
const KEY_ID = 'ab'.repeat(8);

/** A process's two indexes over one data directory (`closed`: its filed rooms), rebuilt from it when Redis lost them. */
function processIndexes(closedDir: string, keyId = KEY_ID) {
  const redisConnection = connect();
  let rebuilds = 0;
  const rebuild = async (): Promise<void> => {
    rebuilds++;
    await catchUpIndexes([commitments, draws], { closedDir, openDirs: async () => [] }, silent);
  };
  const commitments = new RedisCommitmentRegistry(redisConnection, keyId, rebuild);
  const draws = new RedisDrawIndex(redisConnection, keyId, rebuild);
  return { commitments, draws, rebuild, rebuilds: () => rebuilds };
}

/** Files a room's records as a finished transcript in `closedDir`. */
async function file(closedDir: string, roomId: string, records: readonly HashedRecord[]): Promise<void> {
  const { journal } = await Journal.open<{ record: HashedRecord }>(join(closedDir, `${roomId}.jsonl`), (v) => v as { record: HashedRecord });
  await journal.appendMany(records.map((record) => ({ record })));
  await journal.close();
}

async function feed(index: RecordIndex, records: readonly HashedRecord[]): Promise<void> {
  for (const r of records) index.record(r);
  for (const room of new Set(records.map((r) => r.roomId))) await index.flush(room);
}

async function allPages(index: RedisDrawIndex, address: string, limit: number): Promise<PlayerDraw[]> {
  const draws: PlayerDraw[] = [];
  for (let after: string | undefined, pages = 0; ; pages++) {
    const page = await index.draws(address, { ...(after === undefined ? {} : { after }), limit });
    expect(page.draws.length).toBeLessThanOrEqual(limit);
    expect(pages).toBeLessThan(100);
    draws.push(...page.draws);
    if (page.next === null) return draws;
    after = page.next;
  }
}

describe('used commitments in Redis', () => {
  it('claims all of a draw\'s commitments or none, and gives a commitment to one of two processes claiming it at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-idx-'));
    const [a, b] = [processIndexes(dir, 'c1'.repeat(8)), processIndexes(dir, 'c1'.repeat(8))];
    await a.rebuild(); // an empty Redis: the index is built (from no transcripts) and ready
    for (let i = 0; i < 20; i++) {
      const c = commitment();
      const claims = await Promise.allSettled([a.commitments.claim([c]), b.commitments.claim([c])]);
      expect(claims.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      expect(claims.find((x) => x.status === 'rejected')).toMatchObject({ reason: expect.any(CommitmentUsed) });
    }
    const [used, fresh] = [commitment(), commitment()];
    await a.commitments.claim([used]);
    await expect(b.commitments.claim([fresh, used])).rejects.toMatchObject({ commitment: used });
    await b.commitments.claim([fresh]); // the refused claim took nothing
    const twice = commitment();
    await expect(a.commitments.claim([twice, twice])).rejects.toMatchObject({ commitment: twice });
    // Another VRF key has commitments of its own.
    const other = processIndexes(dir, 'c2'.repeat(8));
    await other.rebuild();
    await other.commitments.claim([used]);
  });
});

describe('players\' draws in Redis', () => {
  it('pages a player\'s draws oldest first with their ends, unchanged when fed again, and marks a room indexed once flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-idx-'));
    const p = processIndexes(dir, 'd1'.repeat(8));
    await p.rebuild();
    const r1 = await filedRoom('redis-r1');
    const r2 = await filedRoom('redis-r2');
    const chests = r1.find((r) => r.type === 'receipt' && r.kind === 'chests');
    if (chests?.type !== 'receipt') throw new Error('no chest draw');
    const player = chests.players[1]!;
    expect(await p.draws.unindexed(['redis-r1'])).toEqual({ lost: false, rooms: ['redis-r1'] });
    await feed(p.draws, r1);
    expect(await p.draws.unindexed(['redis-r1', 'redis-r2'])).toEqual({ lost: false, rooms: ['redis-r2'] });
    await feed(p.draws, r2);
    const outcome = r1.find((r) => r.type === 'outcome' && r.drawSeq === chests.drawSeq)!;
    expect(await allPages(p.draws, player.toUpperCase().replace('0X', '0x'), 1)).toEqual([
      { roomId: 'redis-r1', drawSeq: chests.drawSeq, receiptSeq: chests.seq, receiptHash: chests.hash, game: 'raid', kind: 'chests', issuedAt: chests.issuedAt, status: 'settled', endSeq: outcome.seq, endHash: outcome.hash },
    ]);
    // Every player of both rooms has its draws listed; a voided one with its void.
    for (const r of [...r1, ...r2]) if (r.type === 'receipt') for (const address of r.players) expect(await allPages(p.draws, address, 1)).toContainEqual(expect.objectContaining({ roomId: r.roomId, drawSeq: r.drawSeq }));
    const voidRecord = r1.find((r) => r.type === 'void')!;
    const voidReceipt = r1.find((r) => r.type === 'receipt' && r.drawSeq === voidRecord.drawSeq);
    if (voidReceipt?.type !== 'receipt') throw new Error('no voided receipt');
    expect(await allPages(p.draws, voidReceipt.players[0]!, 5)).toEqual([expect.objectContaining({ status: 'void', endSeq: voidRecord.seq, endHash: voidRecord.hash })]);
    // Fed again (recovery): same answers, same order.
    const before = await allPages(p.draws, player, 2);
    await feed(p.draws, [...r1].reverse());
    expect(await allPages(p.draws, player, 2)).toEqual(before);
  });
});

describe('after Redis loses every key', () => {
  it('rebuilds both indexes from the transcripts before it claims or answers again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-idx-'));
    const a = processIndexes(dir);
    const b = processIndexes(dir);
    await a.rebuild();
    const records = await filedRoom('lost-1');
    await feed(a.commitments, records);
    await feed(a.draws, records);
    await file(dir, 'lost-1', records);
    const receipt = records.find((r) => r.type === 'receipt');
    if (receipt?.type !== 'receipt') throw new Error('no receipt');
    const listed = await allPages(a.draws, receipt.players[0]!, 10);
    expect(listed).toHaveLength(1);
    await expect(b.commitments.claim(receipt.commitments)).rejects.toBeInstanceOf(CommitmentUsed);

    await connections[0]!.flushall();
    const rebuildsBefore = b.rebuilds();
    // The claim waits for the rebuild, which finds the commitment in the filed transcript.
    await expect(b.commitments.claim(receipt.commitments)).rejects.toMatchObject({ commitment: receipt.commitments[0] });
    expect(b.rebuilds()).toBe(rebuildsBefore + 1);
    expect(await allPages(a.draws, receipt.players[0]!, 10)).toEqual(listed);
    await b.commitments.claim([commitment()]);
  });
});
