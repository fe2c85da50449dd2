/**
 * The indexes over room records in the database, on SQLite and on PostgreSQL, fed with records
 * the server's own RoomTranscript wrote: used commitments (claimed all or none, one of two
 * claims at once, refused after reopening the database) and players' draws (paged, with their
 * ends, the same after reopening, unchanged when fed again); a filed room the indexes never saw
 * is read once at start, and not again; a write that fails never reaches the room, keeps the
 * room from being filed, and is written in order with the room's later records once it can be.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { CommitmentUsed } from '../../server/indexes/commitments.ts';
import type { PlayerDraw } from '../../server/indexes/draws.ts';
import { catchUpIndexes, type RecordIndex } from '../../server/indexes/record-index.ts';
import { SqlCommitmentRegistry } from '../../server/indexes/sql-commitments.ts';
import { SqlDrawIndex } from '../../server/indexes/sql-draws.ts';
import { authorizedPlayer, filedRoom, openRoom } from '../fairness/room-fixture.ts';
import { BACKENDS, testDatabases, type DatabasePlace } from '../helpers/databases.ts';
import { SqlRoomRecords } from '../../server/fairness/room-records.ts';

const commitment = () => seedCommitment(newSeed());
const silent = pino({ level: 'silent' });
const KEY_ID = 'ab'.repeat(8);

async function allPages(index: SqlDrawIndex, address: string, limit: number, order?: 'asc' | 'desc'): Promise<PlayerDraw[]> {
  const draws: PlayerDraw[] = [];
  for (let after: string | undefined, pages = 0; ; pages++) {
    const page = await index.draws(address, { ...(after === undefined ? {} : { after }), limit, ...(order ? { order } : {}) });
    expect(page.draws.length).toBeLessThanOrEqual(limit);
    draws.push(...page.draws);
    if (page.next === null) return draws;
    expect(pages).toBeLessThan(100);
    after = page.next;
  }
}

async function feed(index: RecordIndex, records: readonly HashedRecord[]): Promise<void> {
  for (const r of records) index.record(r);
  for (const room of new Set(records.map((r) => r.roomId))) await index.flush(room);
}

describe.each(BACKENDS)('the indexes on %s', (backend) => {
  const databases = testDatabases(backend);
  const fresh = async (): Promise<{ place: DatabasePlace; database: Database }> => {
    const place = await databases.fresh();
    return { place, database: await databases.open(place) };
  };

  describe('used commitments', () => {
    it('claims all of a draw\'s commitments or none, and refuses each used one, naming it', async () => {
      const { database } = await fresh();
      const registry = new SqlCommitmentRegistry(database, KEY_ID);
      const [a, b, c] = [commitment(), commitment(), commitment()];
      await registry.claim([a]);
      await expect(registry.claim([a])).rejects.toEqual(new CommitmentUsed(a));
      await expect(registry.claim([b, a])).rejects.toMatchObject({ commitment: a });
      await registry.claim([b]); // not taken by the refused claim above
      await expect(registry.claim([c, c])).rejects.toMatchObject({ commitment: c });
      await registry.claim([c]);
      // Claims of one turn share a transaction, each still all or none.
      const [d, e, f] = [commitment(), commitment(), commitment()];
      const claims = await Promise.allSettled([registry.claim([d, e]), registry.claim([f, d]), registry.claim([f])]);
      expect(claims.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(claims[1]).toMatchObject({ reason: { commitment: d } });
      // Another VRF key has commitments of its own.
      await new SqlCommitmentRegistry(database, 'cd'.repeat(8)).claim([a, b, c]);
    });

    it('gives a commitment to one of two processes claiming it at once', async () => {
      const { place, database } = await fresh();
      // Two processes: two connections to Postgres; on SQLite one handle per process, and this
      // test is one process (two handles here would wait on each other's lock).
      const other = backend === 'Postgres' ? await databases.open(place) : database;
      const [a, b] = [new SqlCommitmentRegistry(database, KEY_ID), new SqlCommitmentRegistry(other, KEY_ID)];
      for (let i = 0; i < 20; i++) {
        const c = commitment();
        const claims = await Promise.allSettled([a.claim([commitment(), c]), b.claim([c, commitment()])]);
        expect(claims.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
        expect(claims.find((x) => x.status === 'rejected')).toMatchObject({ reason: expect.any(CommitmentUsed) });
      }
      // The same two commitments in opposite orders (on Postgres, a deadlock the database breaks: the loser is retried).
      for (let i = 0; i < 20; i++) {
        const [x, y] = [commitment(), commitment()];
        const claims = await Promise.allSettled([a.claim([x, y]), b.claim([y, x])]);
        expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
        expect(claims.find((c) => c.status === 'rejected')).toMatchObject({ reason: expect.any(CommitmentUsed) });
      }
    });

    it('refuses, after reopening the database, every commitment of a receipt it was told of, and every claim', async () => {
      const { place, database } = await fresh();
      const records = await filedRoom('r1');
      // The receipts' commitments are held under the key id each receipt names: the room's.
      const receipt = records.find((r) => r.type === 'receipt');
      if (receipt?.type !== 'receipt') throw new Error('no receipt');
      const keyId = receipt.keyId;
      const registry = new SqlCommitmentRegistry(database, keyId);
      await feed(registry, records);
      await feed(registry, records.slice(0, 2)); // fed again: nothing changes
      const orphan = commitment();
      await registry.claim([orphan]); // a claim whose receipt never became durable: kept all the same
      await database.close();

      const reopened = new SqlCommitmentRegistry(await databases.open(place), keyId);
      const used = records.flatMap((r) => (r.type === 'receipt' ? r.commitments : []));
      expect(used).toHaveLength(4);
      for (const c of [...used, orphan]) await expect(reopened.claim([c])).rejects.toMatchObject({ commitment: c });
      expect(await reopened.unindexed(['r1', 'r2'])).toEqual({ lost: false, rooms: ['r2'] });
    });
  });

  describe('players\' draws', () => {
    it('pages a player\'s draws oldest first with their ends, the same after reopening, and unchanged when fed again', async () => {
      const { place, database } = await fresh();
      const index = new SqlDrawIndex(database);
      // One player in two rooms: a settled roll, a voided one, an open one in the second room.
      const first = await openRoom('room-a');
      const second = await openRoom('room-b');
      const terms = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
      const me = await authorizedPlayer(first.room, terms);
      const receiptA = await first.room.receipt({ ...terms, players: [me] });
      await first.room.reveal(receiptA.drawSeq, me.address, me.seed);
      const outcome = await first.room.settle(receiptA.drawSeq);
      const other = await authorizedPlayer(first.room, terms); // someone else's draw: not listed
      await first.room.receipt({ ...terms, players: [other] });
      const again = { ...(await authorizedPlayer(first.room, terms)), address: me.address };
      const receiptB = await first.room.receipt({ ...terms, players: [again] });
      const voided = await first.room.void(receiptB.drawSeq, 'reveal-timeout');
      const inB = { ...(await authorizedPlayer(second.room, terms)), address: me.address };
      const receiptC = await second.room.receipt({ ...terms, players: [inB] });
      const records = [...(await first.room.transcript()).records, ...(await second.room.transcript()).records];
      for (const r of records) index.record(r);

      const expected = [
        { roomId: 'room-a', drawSeq: receiptA.drawSeq, receiptSeq: receiptA.seq, receiptHash: receiptA.hash, game: 'dice', kind: 'roll', issuedAt: receiptA.issuedAt, status: 'settled', endSeq: outcome.record.seq, endHash: outcome.recordHash },
        { roomId: 'room-a', drawSeq: receiptB.drawSeq, receiptSeq: receiptB.seq, receiptHash: receiptB.hash, game: 'dice', kind: 'roll', issuedAt: receiptB.issuedAt, status: 'void', endSeq: voided.seq, endHash: voided.hash },
        { roomId: 'room-b', drawSeq: receiptC.drawSeq, receiptSeq: receiptC.seq, receiptHash: receiptC.hash, game: 'dice', kind: 'roll', issuedAt: receiptC.issuedAt, status: 'open' },
      ];
      // A page asked right after the records were told lists them (nothing flushed yet).
      expect(await allPages(index, me.address.toLowerCase(), 1)).toEqual(expected);
      expect(await allPages(index, me.address.toUpperCase().replace('0X', '0x'), 100)).toEqual(expected);
      const pageOne = await index.draws(me.address, { limit: 1 });
      expect(pageOne.next).toMatch(/^\d{1,15}$/);
      expect(await index.draws(me.address, { after: '999999', limit: 5 })).toEqual({ draws: [], next: null });
      expect((await index.draws(other.address, { limit: 5 })).draws.map((d) => d.drawSeq)).toEqual([1]);
      expect(await index.draws('0x' + '00'.repeat(20), { limit: 5 })).toEqual({ draws: [], next: null });

      await feed(index, [...records].reverse()); // recovery feeds every record of a room again
      expect(await allPages(index, me.address, 2)).toEqual(expected);
      await database.close();
      const reopened = new SqlDrawIndex(await databases.open(place));
      expect(await allPages(reopened, me.address, 2)).toEqual(expected);
      // A cursor handed out before the restart still holds.
      expect((await reopened.draws(me.address, { after: pageOne.next!, limit: 5 })).draws).toEqual(expected.slice(1));
      // The open draw ends after the restart (recovery voids it): its status follows.
      const late = await second.room.void(receiptC.drawSeq, 'server-restart');
      reopened.record(late);
      expect((await allPages(reopened, me.address, 10)).at(-1)).toMatchObject({ status: 'void', endSeq: late.seq, endHash: late.hash });
    });

    it('lists every player of a shared draw, and pages a long history a page at a time', async () => {
      const { database } = await fresh();
      const index = new SqlDrawIndex(database);
      const records = await filedRoom('shared');
      await feed(index, records);
      const chests = records.find((r) => r.type === 'receipt' && r.kind === 'chests');
      if (chests?.type !== 'receipt') throw new Error('no chest draw');
      for (const p of chests.players) expect((await index.draws(p, { limit: 10 })).draws).toEqual([expect.objectContaining({ kind: 'chests', status: 'settled', receiptSeq: chests.seq })]);
      // 300 draws of one player across 30 rooms (receipts as the index sees them), paged by 7.
      const player = '0x' + '5a'.repeat(20);
      const receipt = chests;
      const many: HashedRecord[] = [];
      for (let room = 0; room < 30; room++)
        for (let draw = 0; draw < 10; draw++) many.push({ ...receipt, roomId: `many-${room}`, drawSeq: draw, seq: draw, players: [player] });
      await feed(index, many);
      const listed = await allPages(index, player, 7);
      expect(listed.map((d) => `${d.roomId}/${d.drawSeq}`)).toEqual(many.map((r) => `${r.roomId}/${r.drawSeq}`));
      // Newest first (order=desc), paged the same way: the same draws, in reverse.
      const newest = await allPages(index, player, 7, 'desc');
      expect(newest.map((d) => `${d.roomId}/${d.drawSeq}`)).toEqual(many.map((r) => `${r.roomId}/${r.drawSeq}`).reverse());
      expect((await index.draws(player, { limit: 1, order: 'desc' })).draws).toEqual([expect.objectContaining({ roomId: 'many-29', drawSeq: 9 })]);
    });
  });

  describe('a write that fails', () => {
    it('never throws at the room, keeps the room from being filed, and is written, in order with the records after it, once it can be', { timeout: 30_000 }, async () => {
      const { database } = await fresh();
      const index = new SqlDrawIndex(database);
      const records = await filedRoom('broken');
      const [early, late] = [records.slice(0, 3), records.slice(3)];
      // The table goes away under the index: every write of the batch fails.
      await sql`alter table draws rename to draws_gone`.execute(database.db);
      for (const r of early) index.record(r);
      await index.settled();
      await sql`alter table draws_gone rename to draws`.execute(database.db);
      // Later records of the room wait behind the failed ones (an end needs its receipt's row).
      for (const r of late) index.record(r);
      await index.settled();
      expect(await index.unindexed(['broken'])).toEqual({ lost: false, rooms: ['broken'] });
      const first = records.find((r) => r.type === 'receipt');
      if (first?.type !== 'receipt') throw new Error('no receipt');
      expect((await index.draws(first.players[0]!, { limit: 10 })).draws).toEqual([]); // nothing written yet
      await index.flush('broken');
      expect(await index.unindexed(['broken'])).toEqual({ lost: false, rooms: [] });
      const receipts = records.filter((r) => r.type === 'receipt');
      for (const receipt of receipts) {
        const end = records.find((r) => (r.type === 'outcome' || r.type === 'void') && r.drawSeq === receipt.drawSeq)!;
        for (const player of receipt.players)
          expect((await index.draws(player, { limit: 100 })).draws).toContainEqual(expect.objectContaining({ roomId: 'broken', drawSeq: receipt.drawSeq, endSeq: end.seq, endHash: end.hash }));
      }
    });

    it('is given up after its retries: the flush rejects, naming the room and the database, and the room is not marked whole', { timeout: 30_000 }, async () => {
      const { database } = await fresh();
      const index = new SqlDrawIndex(database);
      const records = await filedRoom('still-broken');
      await sql`alter table draws rename to draws_gone`.execute(database.db);
      try {
        for (const r of records) index.record(r);
        await expect(index.flush('still-broken')).rejects.toThrow(`could not index room still-broken in the database ${database.where}`);
      } finally {
        await sql`alter table draws_gone rename to draws`.execute(database.db);
      }
      expect(await index.unindexed(['still-broken'])).toEqual({ lost: false, rooms: ['still-broken'] });
    });
  });

  describe('catching up', () => {
    it('reads a filed room the indexes never saw once, and not at the next start', async () => {
      const { place, database } = await fresh();
      const filed = new Map<string, HashedRecord[]>();
      for (const id of ['old-1', 'old-2']) {
        filed.set(id, await filedRoom(id));
        await new SqlRoomRecords(database).importRoom(id, 'local', filed.get(id)!, []);
      }
      const indexes = (db: Database) => [new SqlCommitmentRegistry(db, KEY_ID), new SqlDrawIndex(db)] as const;
      const [registry, draws] = indexes(database);
      expect(await catchUpIndexes([registry, draws], new SqlRoomRecords(database), silent)).toBe(2);
      expect(await catchUpIndexes([registry, draws], new SqlRoomRecords(database), silent)).toBe(0);
      await database.close();

      const reopened = await databases.open(place);
      const [registry2, draws2] = indexes(reopened);
      expect(await catchUpIndexes([registry2, draws2], new SqlRoomRecords(reopened), silent)).toBe(0);
      const records = filed.get('old-1')!;
      const receipt = records.find((r) => r.type === 'receipt')!;
      if (receipt.type !== 'receipt') throw new Error('no receipt');
      // Under the key id the receipt names (the fixture's VRF key).
      await expect(new SqlCommitmentRegistry(reopened, receipt.keyId).claim(receipt.commitments)).rejects.toBeInstanceOf(CommitmentUsed);
      expect((await draws2.draws(receipt.players[0]!, { limit: 10 })).draws).toEqual([expect.objectContaining({ roomId: 'old-1', drawSeq: receipt.drawSeq, status: 'settled' })]);
    });
  });

  describe('a receipt', () => {
    it('claims its commitments before anything is signed: a commitment used in another room of the key is refused and nothing is written', async () => {
      const { database } = await fresh();
      const registry = new SqlCommitmentRegistry(database, KEY_ID);
      const roomA = await openRoom('claims-a', { commitments: registry });
      const roomB = await openRoom('claims-b', { commitments: registry });
      const terms = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
      const player = await authorizedPlayer(roomA.room, terms);
      await roomA.room.receipt({ ...terms, players: [player] });
      await expect(roomA.room.receipt({ ...terms, players: [player] })).rejects.toBeInstanceOf(CommitmentUsed);
      await expect(roomB.room.receipt({ ...terms, players: [player] })).rejects.toMatchObject({ commitment: player.commitment });
      expect([roomA.room.recordCount, roomB.room.recordCount]).toEqual([1, 0]);
      await roomB.room.receipt({ ...terms, players: [await authorizedPlayer(roomB.room, terms)] });
      expect(roomB.room.recordCount).toBe(1);
    });
  });
});
