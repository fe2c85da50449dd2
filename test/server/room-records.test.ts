/**
 * Rooms and their transcripts in the database, on SQLite and on PostgreSQL: records read back in
 * the order written and checked; a seq cannot be written twice nor a room id used twice; reveals
 * are kept apart from the transcript and bring a crashed room's draw back; finished rooms are
 * listed page by page in filing order; two handles on one database (two processes) see each
 * other's rooms; old journal transcripts import idempotently and export byte for byte.
 */
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { importRoomTranscripts } from '../../server/fairness/import-transcripts.ts';
import { parseEntry } from '../../server/fairness/room-journal.ts';
import { RoomIdUsed, SqlRoomRecords } from '../../server/fairness/room-records.ts';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { readOldJournal } from '../../server/storage/old-journal-reader.ts';
import { authorizedPlayer, chestDraw, diceDraw, openRoom } from '../fairness/room-fixture.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';

const silent = pino({ level: 'silent' });

describe.each(BACKENDS)('rooms in the database on %s', (backend) => {
  const databases = testDatabases(backend);
  const fresh = async () => {
    const place = await databases.fresh();
    const database = await databases.open(place);
    return { place, database, store: new SqlRoomRecords(database) };
  };

  it('reads a room\'s records back in the order written, and refuses a seq written twice and a room id used twice', async () => {
    const { store } = await fresh();
    const { room } = await openRoom('r1', { log: await store.start('r1', 'local') });
    const { room: other } = await openRoom('r2', { log: await store.start('r2', 'local') });
    // A room is stored at its first record, not before.
    expect(await store.records('r1')).toBeUndefined();
    // Both rooms' writes of the same turns share transactions.
    await Promise.all([diceDraw(room), diceDraw(other), chestDraw(room, 1)]);
    const records = (await store.records('r1'))!;
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(records).toEqual((await room.transcript()).records);
    expect(await store.records('none')).toBeUndefined();

    // The same record written again (a transaction run again after its commit went through
    // unanswered) is that write, done: nothing changes.
    await store.log('r1').appendRecord(records[1]!);
    expect(await store.records('r1')).toEqual(records);

    // A seq written twice is refused, and fails only its own room, not a write of another room in the same turn.
    const reveal = { drawSeq: 9, address: '0x' + 'ab'.repeat(20), seed: 'cd'.repeat(32) };
    const again = store.log('r1').appendRecord({ ...records[1]!, hash: 'ee'.repeat(32) });
    // Checked below; it may reject during the turns waited first, before anything awaits it.
    again.catch(() => undefined);
    const elsewhere = store.log('r2').appendReveal(reveal);
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve)); // that batch is writing
    const later = store.log('r1').appendRecord({ ...records[3]!, seq: 4 }); // in the next batch
    await expect(again).rejects.toThrow(/room r1: cannot write/);
    await elsewhere;
    // Nothing more is written for a room whose write failed (its next record would leave a gap).
    await expect(later).rejects.toThrow(/an earlier write failed/);
    expect(await store.reveals('r2')).toContainEqual(reveal);
    await expect(diceDraw(room)).rejects.toThrow(/an earlier write failed/);
    expect(await store.records('r1')).toEqual(records);

    await expect(store.start('r1', 'local')).rejects.toBeInstanceOf(RoomIdUsed);
    await other.finish();
    await store.markClosed('r2');
    await expect(store.start('r2', 'other')).rejects.toThrow('room id r2 was used before');
    // Taken between a room's start and its first record: that write is refused, nothing is reused.
    const { room: clash } = await openRoom('r3', { log: await store.start('r3', 'local') });
    const { room: third } = await openRoom('r3', { log: await store.start('r3', 'other') });
    await diceDraw(third);
    await expect(diceDraw(clash)).rejects.toThrow(/room id r3 was used before/);
    expect(await store.records('r3')).toEqual((await third.transcript()).records);
  });

  it('keeps reveals out of the transcript, and settles a revealed draw of a room resumed after a crash', async () => {
    const { store } = await fresh();
    const { room, ctx } = await openRoom('crash', { log: await store.start('crash', 'local') });
    const draw = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
    const player = await authorizedPlayer(room, draw);
    const receipt = await room.receipt({ ...draw, players: [player] });
    await room.reveal(receipt.drawSeq, player.address, player.seed);
    // Give the reveal's write its turn (settle would wait for it; here nothing settles).
    await store.settled();
    expect(JSON.stringify(await store.records('crash'))).not.toContain(player.seed.toLowerCase());
    expect(await store.reveals('crash')).toEqual([{ drawSeq: receipt.drawSeq, address: player.address, seed: player.seed.toLowerCase() }]);

    // The process "died": a new one reads the room back and settles the draw with the revealed seed.
    const resumed = await RoomTranscript.open(store.log('crash'), 'crash', ctx);
    expect(resumed.pendingDraws()).toEqual([{ receipt: expect.objectContaining({ seq: 0 }), revealed: 1, missing: [] }]);
    const ended = await resumed.conclude(receipt.drawSeq, 'server-restart');
    expect(ended).toMatchObject({ type: 'outcome', seeds: [player.seed.toLowerCase()] });
    await resumed.finish();
    await store.markClosed('crash');
    expect((await store.records('crash'))!.map((r) => r.type)).toEqual(['receipt', 'outcome', 'close']);
  });

  it('lists finished rooms in filing order a page at a time, and two handles see each other\'s rooms', async () => {
    const { place, store } = await fresh();
    const other = new SqlRoomRecords(await databases.open(place));
    const ids = ['c', 'a', 'e', 'b', 'd'];
    const closes: HashedRecord[] = [];
    for (const [i, id] of ids.entries()) {
      const mine = i % 2 === 0 ? store : other; // filed by either process
      const { room } = await openRoom(id, { log: await mine.start(id, i % 2 === 0 ? 'n1' : 'n2') });
      for (let d = 0; d < i % 3; d++) await diceDraw(room);
      await room.finish();
      await mine.markClosed(id);
      closes.push((await mine.records(id))!.at(-1)!);
    }
    const listed = [];
    for (let after: string | null | undefined, pages = 0; after !== null; pages++) {
      expect(pages).toBeLessThan(4);
      const page = await (pages % 2 ? other : store).closedRooms({ ...(after ? { after } : {}), limit: 2 });
      expect(page.rooms.length).toBeLessThanOrEqual(2);
      listed.push(...page.rooms);
      after = page.next;
    }
    const expected = ids
      .map((id, i) => ({ id, close: closes[i]! }))
      .sort((x, y) => (x.close.type === 'close' && y.close.type === 'close' ? x.close.closedAt - y.close.closedAt : 0) || (x.id < y.id ? -1 : 1));
    expect(listed).toEqual(expected.map(({ id, close }) => ({ roomId: id, closedAt: close.type === 'close' ? close.closedAt : -1, draws: close.drawSeq, records: close.seq + 1, head: close.hash })));
    expect(await other.closedRoomIds()).toEqual(listed.map((r) => r.roomId));

    // Open rooms of two owners, seen from both handles.
    const { room: first } = await openRoom('open-1', { log: await store.start('open-1', 'n1') });
    const { room } = await openRoom('open-2', { log: await other.start('open-2', 'n2') });
    await diceDraw(first);
    await diceDraw(room);
    expect(await store.records('open-2')).toEqual((await room.transcript()).records);
    expect(await store.leftOpen('n2')).toEqual(['open-2']);
    expect(await other.leftOpen('n1')).toEqual(['open-1']);
    expect((await store.ownersWithOpenRooms()).sort()).toEqual(['n1', 'n2']);
    expect((await other.openRoomIds()).sort()).toEqual(['open-1', 'open-2']);
  });

  it('imports old journal transcripts once, idempotently, byte for byte, skipping a damaged one', async () => {
    const { place, store } = await fresh();
    const dataDir = place.dataDir;
    const journalRoom = async (dir: string, id: string, close: boolean) => {
      const { room } = await openRoom(id, { log: await journalRoomLog(join(dataDir, dir, `${id}.jsonl`)) });
      await diceDraw(room);
      await chestDraw(room, 1);
      if (close) await room.finish();
      else await diceDraw(room, false);
    };
    await journalRoom('rooms/closed', 'old-closed', true);
    await journalRoom('rooms/open', 'old-open', false);
    await journalRoom('nodes/n7/rooms-open', 'old-node', false);
    writeFileSync(join(dataDir, 'rooms', 'closed', 'damaged.jsonl'), '{"record": {"type": "receipt"}}\n');
    const fileRecords = async (path: string) => (await readOldJournal(join(dataDir, path), parseEntry)).flatMap((e) => ('record' in e ? [e.record] : []));
    const before = {
      'old-closed': await fileRecords('rooms/closed/old-closed.jsonl'),
      'old-open': await fileRecords('rooms/open/old-open.jsonl'),
      'old-node': await fileRecords('nodes/n7/rooms-open/old-node.jsonl'),
    };

    const opts = { owner: 'me', ownerOfNode: (id: string) => id, log: silent };
    expect(await importRoomTranscripts(dataDir, store, opts)).toBe(3);
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['rooms.imported']));
    expect(readdirSync(dataDir)).not.toContain('rooms');
    expect(readdirSync(join(dataDir, 'nodes', 'n7'))).toEqual(['rooms-open.imported']);
    expect(await importRoomTranscripts(dataDir, store, opts)).toBe(0); // moved aside: once

    // Put back and imported again: nothing changes.
    cpSync(join(dataDir, 'rooms.imported'), join(dataDir, 'rooms'), { recursive: true });
    cpSync(join(dataDir, 'nodes', 'n7', 'rooms-open.imported'), join(dataDir, 'nodes', 'n7', 'rooms-open'), { recursive: true });
    expect(await importRoomTranscripts(dataDir, store, opts)).toBe(3);
    for (const [id, records] of Object.entries(before)) expect(JSON.stringify(await store.records(id))).toBe(JSON.stringify(records));
    expect(await store.records('damaged')).toBeUndefined();
    expect(await store.closedRoomIds()).toEqual(['old-closed']);
    expect(await store.leftOpen('me')).toEqual(['old-open']);
    expect(await store.leftOpen('n7')).toEqual(['old-node']);
    expect((await store.reveals('old-open')).length).toBe(3); // the settled dice draw's one, the chest draw's two
  });
});
