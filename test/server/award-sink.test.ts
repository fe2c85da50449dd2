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
    expect(again.awardsOf(good.player.toLowerCase())).toEqual([good]);
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
    expect(sink.awardsOf(good.player)).toEqual([]);
    await sink.close();
    const again = await JournalAwardSink.open(file, [1]);
    expect(again.awardsOf(good.player)).toEqual([]);
    await again.close();
  });
});
