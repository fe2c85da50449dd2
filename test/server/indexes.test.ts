/**
 * The one-process indexes over room records, fed with records the server's own RoomTranscript
 * wrote: used commitments (claimed all or none, refused after reopening the file) and players'
 * draws (paged, with their ends, the same after reopening, unchanged when fed again); a filed
 * room the indexes never saw is read once at start, and not again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { CommitmentUsed, LocalCommitmentRegistry } from '../../server/indexes/commitments.ts';
import { LocalDrawIndex, type PlayerDraw } from '../../server/indexes/draws.ts';
import { catchUpIndexes } from '../../server/indexes/record-index.ts';
import { Journal } from '../../server/storage/journal.ts';
import { authorizedPlayer, filedRoom, openRoom } from '../fairness/room-fixture.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'indexes-'));
const commitment = () => seedCommitment(newSeed());
const silent = pino({ level: 'silent' });

async function allPages(index: LocalDrawIndex, address: string, limit: number): Promise<PlayerDraw[]> {
  const draws: PlayerDraw[] = [];
  for (let after: string | undefined, pages = 0; ; pages++) {
    const page = await index.draws(address, { ...(after === undefined ? {} : { after }), limit });
    expect(page.draws.length).toBeLessThanOrEqual(limit);
    draws.push(...page.draws);
    if (page.next === null) return draws;
    expect(pages).toBeLessThan(100);
    after = page.next;
  }
}

describe('the local commitment registry', () => {
  it('claims all of a draw\'s commitments or none, and refuses each used one, naming it', async () => {
    const registry = new LocalCommitmentRegistry();
    const [a, b, c] = [commitment(), commitment(), commitment()];
    await registry.claim([a]);
    await expect(registry.claim([a])).rejects.toEqual(new CommitmentUsed(a));
    await expect(registry.claim([b, a])).rejects.toMatchObject({ commitment: a });
    await registry.claim([b]); // not taken by the refused claim above
    await expect(registry.claim([c, c])).rejects.toMatchObject({ commitment: c });
    await registry.claim([c]);
  });

  it('refuses, after reopening its file, every commitment of a receipt it was told of; and forgets a claim whose receipt never became durable', async () => {
    const path = join(dir(), 'commitments.jsonl');
    const registry = await LocalCommitmentRegistry.open(path);
    const records = await filedRoom('r1');
    for (const r of records) registry.record(r);
    registry.record(records[0]!); // fed again: nothing changes
    const orphan = commitment();
    await registry.claim([orphan]); // a claim whose receipt never became durable
    await registry.flush();
    await registry.close();

    const reopened = await LocalCommitmentRegistry.open(path);
    const used = records.flatMap((r) => (r.type === 'receipt' ? r.commitments : []));
    expect(used).toHaveLength(4);
    for (const c of used) await expect(reopened.claim([c])).rejects.toMatchObject({ commitment: c });
    await reopened.claim([orphan]);
    expect(await reopened.unindexed(['r1', 'r2'])).toEqual({ lost: false, rooms: ['r2'] });
    await reopened.close();
  });
});

describe('the local draw index', () => {
  it('pages a player\'s draws oldest first with their ends, the same after reopening, and unchanged when fed again', async () => {
    const path = join(dir(), 'draws.jsonl');
    const index = await LocalDrawIndex.open(path);
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
    expect(await allPages(index, me.address.toLowerCase(), 1)).toEqual(expected);
    expect(await allPages(index, me.address.toUpperCase().replace('0X', '0x'), 100)).toEqual(expected);
    expect(await index.draws(me.address, { after: '3', limit: 5 })).toEqual({ draws: [], next: null });
    expect((await index.draws(other.address, { limit: 5 })).draws.map((d) => d.drawSeq)).toEqual([1]);
    expect(await index.draws('0x' + '00'.repeat(20), { limit: 5 })).toEqual({ draws: [], next: null });

    for (const r of records) index.record(r); // recovery feeds every record of a room again
    expect(await allPages(index, me.address, 2)).toEqual(expected);
    await index.close();
    const reopened = await LocalDrawIndex.open(path);
    expect(await allPages(reopened, me.address, 2)).toEqual(expected);
    // The open draw ends after the restart (recovery voids it): its status follows.
    const late = await second.room.void(receiptC.drawSeq, 'server-restart');
    reopened.record(late);
    expect((await allPages(reopened, me.address, 10)).at(-1)).toMatchObject({ status: 'void', endSeq: late.seq, endHash: late.hash });
    await reopened.close();
  });

  it('lists every player of a shared draw', async () => {
    const index = await LocalDrawIndex.open(join(dir(), 'draws.jsonl'));
    const records = await filedRoom('shared');
    for (const r of records) index.record(r);
    const chests = records.find((r) => r.type === 'receipt' && r.kind === 'chests');
    if (chests?.type !== 'receipt') throw new Error('no chest draw');
    for (const p of chests.players) expect((await index.draws(p, { limit: 10 })).draws).toEqual([expect.objectContaining({ kind: 'chests', status: 'settled', receiptSeq: chests.seq })]);
    await index.close();
  });
});

describe('catching up', () => {
  it('reads a filed room the indexes never saw once, and not at the next start', async () => {
    const data = dir();
    const closedDir = join(data, 'closed');
    for (const id of ['old-1', 'old-2']) {
      const { journal } = await Journal.open<{ record: HashedRecord }>(join(closedDir, `${id}.jsonl`), (v) => v as { record: HashedRecord });
      await journal.appendMany((await filedRoom(id)).map((record) => ({ record })));
      await journal.close();
    }
    const open = async () => [await LocalCommitmentRegistry.open(join(data, 'c.jsonl')), await LocalDrawIndex.open(join(data, 'd.jsonl'))] as const;
    const [registry, draws] = await open();
    expect(await catchUpIndexes([registry, draws], { closedDir, openDirs: async () => [] }, silent)).toBe(2);
    expect(await catchUpIndexes([registry, draws], { closedDir, openDirs: async () => [] }, silent)).toBe(0);
    await Promise.all([registry.close(), draws.close()]);

    const [registry2, draws2] = await open();
    expect(await catchUpIndexes([registry2, draws2], { closedDir, openDirs: async () => [] }, silent)).toBe(0);
    const records = await Journal.read(join(closedDir, 'old-1.jsonl'), (v) => (v as { record: HashedRecord }).record);
    const receipt = records.find((r) => r.type === 'receipt')!;
    if (receipt.type !== 'receipt') throw new Error('no receipt');
    await expect(registry2.claim(receipt.commitments)).rejects.toBeInstanceOf(CommitmentUsed);
    expect((await draws2.draws(receipt.players[0]!, { limit: 10 })).draws).toEqual([expect.objectContaining({ roomId: 'old-1', drawSeq: receipt.drawSeq, status: 'settled' })]);
    await Promise.all([registry2.close(), draws2.close()]);
  });
});

describe('a receipt', () => {
  it('claims its commitments before anything is signed: a commitment used in another room of the key is refused and nothing is written', async () => {
    const registry = new LocalCommitmentRegistry();
    const a = await openRoom('claims-a', { commitments: registry });
    const b = await openRoom('claims-b', { commitments: registry });
    const terms = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
    const player = await authorizedPlayer(a.room, terms);
    await a.room.receipt({ ...terms, players: [player] });
    await expect(a.room.receipt({ ...terms, players: [player] })).rejects.toBeInstanceOf(CommitmentUsed);
    await expect(b.room.receipt({ ...terms, players: [player] })).rejects.toMatchObject({ commitment: player.commitment });
    expect([a.room.recordCount, b.room.recordCount]).toEqual([1, 0]);
    await b.room.receipt({ ...terms, players: [await authorizedPlayer(b.room, terms)] });
    expect(b.room.recordCount).toBe(1);
  });
});
