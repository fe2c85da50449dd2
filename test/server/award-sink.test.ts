/**
 * server/awards/sql-award-outbox.ts on SQLite and on PostgreSQL: an award is recorded once by its
 * id (repeated, at once, and from two outboxes sharing the database, as two processes), an
 * invalid batch is refused with nothing written, awards read back by id and by player, the
 * minter's query yields unminted awards in the order recorded, and an old `awards.jsonl` (a torn
 * last line included) is imported once, renamed, and importing it again adds nothing.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { awardId, InvalidAward, type Award } from '../../server/awards/award-sink.ts';
import { importAwardJournal } from '../../server/awards/import-journals.ts';
import { SqlAwardOutbox } from '../../server/awards/sql-award-outbox.ts';
import { SqlMintLog } from '../../server/awards/sql-mint-log.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

const PLAYER = '0x14791697260E4c9A71f18484C9f997B308e59325';
const OTHER = '0x' + 'b2'.repeat(20);
const CONTRACT = '0x' + 'ab'.repeat(20);
const source = (drawSeq: number) => ({ roomId: 'room1', drawSeq, recordSeq: drawSeq + 1, recordHash: 'ab'.repeat(32) });
const award = (i: number, player = PLAYER): Award => ({ awardId: awardId(source(i), 0), player, tokenId: 1, amount: 1 + i, source: source(i) });
const silent = pino({ level: 'silent' });

describe.each(BACKENDS)('the award outbox on %s', (backend) => {
  const dbs = testDatabases(backend);

  async function outboxOn() {
    const place = await dbs.fresh();
    const database = await dbs.open(place);
    return { place, database, outbox: new SqlAwardOutbox(database, [1]) };
  }

  it('records an award once by id, across calls, at once, and from two outboxes sharing the database', async () => {
    const { place, outbox } = await outboxOn();
    const other = new SqlAwardOutbox(await dbs.open(place), [1]);
    const heard: string[] = [];
    outbox.onRecorded((awards) => heard.push(...awards.map((a) => a.awardId)));
    other.onRecorded((awards) => heard.push(...awards.map((a) => a.awardId)));
    await outbox.record([award(0)]);
    await outbox.record([award(0)]);
    await Promise.all([
      outbox.record([award(1), award(1), award(2)]),
      outbox.record([award(2), award(1)]),
      other.record([award(1), award(3)]),
      ...Array.from({ length: 5 }, () => other.record([award(2), award(3)])),
    ]);
    await other.record([award(0)]);
    expect(await outbox.count()).toBe(4);
    expect(await other.count()).toBe(4);
    // Each award is told new once, by the outbox that wrote it.
    expect(heard.sort()).toEqual([0, 1, 2, 3].map((i) => award(i).awardId).sort());
    expect((await other.awardsOf(PLAYER)).map((a) => a.amount).sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses an award for an invalid address or an unknown token id, and writes nothing of that batch', async () => {
    const { outbox } = await outboxOn();
    await expect(outbox.record([award(1), { ...award(0), player: '0x1234' }])).rejects.toThrow(InvalidAward);
    await expect(outbox.record([award(1), { ...award(0), tokenId: 99 }])).rejects.toThrow(/unknown token id 99/);
    await expect(outbox.record([{ ...award(0), amount: 0 }])).rejects.toThrow(/amount/);
    expect(await outbox.awardsOf(PLAYER)).toEqual([]);
    expect(await outbox.count()).toBe(0);
  });

  it('reads awards back by id and by player (any case), as recorded', async () => {
    const { outbox } = await outboxOn();
    await outbox.record([award(0), award(1, OTHER), award(2)]);
    expect(await outbox.get(award(1).awardId)).toEqual(award(1, OTHER));
    expect(await outbox.has(award(2).awardId)).toBe(true);
    expect(await outbox.get(award(9).awardId)).toBeUndefined();
    expect(await outbox.has(award(9).awardId)).toBe(false);
    expect(await outbox.awardsOf(PLAYER.toLowerCase())).toEqual([award(0), award(2)]);
    expect(await outbox.awardsOf(OTHER.toUpperCase().replace('0X', '0x'))).toEqual([award(1, OTHER)]);
  });

  it('gives the minter the awards not minted on its contract, in the order recorded, a page at a time', async () => {
    const { database, outbox } = await outboxOn();
    for (const i of [5, 3, 8, 1, 6]) await outbox.record([award(i)]);
    const mints = new SqlMintLog(database, CONTRACT);
    await mints.recordConfirmed({ hash: '0x' + '11'.repeat(32), blockNumber: 1, blockHash: '0x' + '22'.repeat(32), awardIds: [award(3).awardId] });
    // Minted on another contract: still pending on this one.
    await new SqlMintLog(database, '0x' + 'cd'.repeat(20)).recordConfirmed({ hash: '0x' + '33'.repeat(32), blockNumber: 1, blockHash: '0x' + '22'.repeat(32), awardIds: [award(8).awardId] });
    const first = await outbox.unminted(CONTRACT.toUpperCase().replace('0X', '0x'), 0, 2);
    expect(first.awards.map((a) => a.amount)).toEqual([6, 9]);
    const rest = await outbox.unminted(CONTRACT, first.through, 10);
    expect(rest.awards.map((a) => a.amount)).toEqual([2, 7]);
    expect(await outbox.unminted(CONTRACT, rest.through, 10)).toEqual({ awards: [], through: rest.through });
    await outbox.record([award(0)]);
    expect((await outbox.unminted(CONTRACT, rest.through, 10)).awards).toEqual([award(0)]);
  });

  it('imports an old awards.jsonl (a torn last line ignored) once, renames it, and importing it again adds nothing', async () => {
    const { place, outbox } = await outboxOn();
    const file = join(place.dataDir, 'awards.jsonl');
    const old = [award(0), award(1, OTHER), award(2)];
    const text = old.map((a) => JSON.stringify(a)).join('\n') + '\n{"awardId":"ab';
    await writeFile(file, text);
    await outbox.record([award(1, OTHER)]); // recorded since by a server of the new version
    expect(await importAwardJournal(file, outbox, silent)).toEqual({ imported: 3, bad: 0 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.imported`)).toBe(true);
    expect(await outbox.awardsOf(PLAYER)).toEqual([award(0), award(2)]);
    await writeFile(file, text);
    await importAwardJournal(file, outbox, silent);
    expect(await outbox.count()).toBe(3);
    // A damaged line inside the file: skipped, the rest imported, the file kept as `.damaged` beside a report, nothing thrown.
    await writeFile(file, `${JSON.stringify(award(4))}\nnot json\n${JSON.stringify(award(5))}\n`);
    expect(await importAwardJournal(file, outbox, silent)).toEqual({ imported: 2, bad: 1 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.damaged`)).toBe(true);
    expect(existsSync(`${file}.damaged.json`)).toBe(true);
    expect(await outbox.count()).toBe(5);
    expect(await importAwardJournal(join(place.dataDir, 'none.jsonl'), outbox, silent)).toBeUndefined();
  });
});
