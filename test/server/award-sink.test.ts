import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awardId, InvalidAward, JournalAwardSink, type Award } from '../../server/awards/award-sink.ts';

const source = { roomId: 'room1', drawSeq: 3, recordSeq: 7, recordHash: 'ab'.repeat(32) };
const good: Award = { awardId: awardId(source, 0), player: '0x14791697260E4c9A71f18484C9f997B308e59325', tokenId: 1, amount: 9, source };

describe('the award outbox', () => {
  it('keeps awards across a reopen, once each, by award id', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'awards-')), 'awards.jsonl');
    const sink = await JournalAwardSink.open(file, [1]);
    await sink.record([good]);
    await sink.record([good]);
    await sink.close();
    const again = await JournalAwardSink.open(file, [1]);
    expect(await again.awardsOf(good.player.toLowerCase())).toEqual([good]);
    expect(awardId(source, 0)).not.toBe(awardId(source, 1));
    await again.close();
  });

  it('refuses an award for an invalid address or an unknown token id, and writes nothing of that batch', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'awards-')), 'awards.jsonl');
    const sink = await JournalAwardSink.open(file, [1]);
    const other = { ...good, awardId: awardId(source, 1) };
    await expect(sink.record([other, { ...good, player: '0x1234' }])).rejects.toThrow(InvalidAward);
    await expect(sink.record([other, { ...good, tokenId: 99 }])).rejects.toThrow(/unknown token id 99/);
    await expect(sink.record([{ ...good, amount: 0 }])).rejects.toThrow(/amount/);
    expect(await sink.awardsOf(good.player)).toEqual([]);
    await sink.close();
    const again = await JournalAwardSink.open(file, [1]);
    expect(await again.awardsOf(good.player)).toEqual([]);
    await again.close();
  });

  it('keeps only where each award is: reads it back by id and by player, also from another process\'s journal, also when two ids share a key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awards-'));
    const sink = await JournalAwardSink.open(join(dir, 'awards.jsonl'), [1]);
    const twin = (i: number): Award => ({ ...good, awardId: 'c0ffee0c0ffee' + String(i).repeat(51), amount: i });
    await sink.record([good, twin(1), twin(2)]);
    await sink.record([twin(2)]); // the same id again: not written twice
    expect(await sink.get(twin(2).awardId)).toEqual(twin(2));
    expect(await sink.get('c0ffee0c0ffee' + '3'.repeat(51))).toBeUndefined(); // shares the key, unknown
    expect((await sink.awardsOf(good.player)).map((a) => a.amount)).toEqual([9, 1, 2]);
    // Another process's journal, absorbed with its offsets.
    const peer = await JournalAwardSink.open(join(dir, 'peer.jsonl'), [1]);
    const theirs = { ...good, awardId: awardId(source, 5), amount: 5 };
    await peer.record([theirs]);
    await peer.close();
    const { JournalFollower } = await import('../../server/storage/journal-follower.ts');
    const { parseAward } = await import('../../server/awards/award-sink.ts');
    const follower = new JournalFollower(join(dir, 'peer.jsonl'), parseAward);
    const heard: Award[] = [];
    sink.onRecorded((a) => heard.push(...a));
    sink.absorb(follower.path, await follower.pollPlaced());
    expect(heard).toEqual([theirs]);
    expect(await sink.get(theirs.awardId)).toEqual(theirs);
    expect((await sink.awardsOf(good.player)).map((a) => a.amount)).toEqual([9, 1, 2, 5]);
    const scanned: string[] = [];
    await sink.scan((a) => scanned.push(a.awardId));
    expect(scanned).toEqual([good, twin(1), twin(2), theirs].map((a) => a.awardId));
    expect(sink.count).toBe(4);
    await sink.close();
  });

  it('records of one award made at once write it once; listings during the writes never fail or show half an award', async () => {
    const sink = await JournalAwardSink.open(join(mkdtempSync(join(tmpdir(), 'awards-')), 'awards.jsonl'), [1]);
    for (let round = 0; round < 20; round++) {
      const a = { ...good, awardId: awardId(source, 100 + round) };
      const b = { ...good, awardId: awardId(source, 200 + round) };
      let done = false;
      const all = Promise.allSettled([sink.record([a]), sink.record([b, a]), sink.record([a])]).finally(() => (done = true));
      // Listings while the writes are in flight: never a half-written award, never an error.
      const listings: Promise<Award[]>[] = [];
      while (!done) {
        listings.push(sink.awardsOf(good.player));
        await new Promise((r) => setImmediate(r));
      }
      expect((await all).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      for (const listing of await Promise.all(listings)) expect(listing.every((x) => x.player === good.player)).toBe(true);
    }
    const ids = (await sink.awardsOf(good.player)).map((x) => x.awardId);
    expect(ids.length).toBe(40);
    expect(new Set(ids).size).toBe(40);
    expect(sink.count).toBe(40);
    await sink.close();
  });
});
