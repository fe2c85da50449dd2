/**
 * The step-by-step transcript verifier: fed one record at a time it reports exactly what
 * verifyTranscript does, it goes on from where it stopped as a room grows, and it names the
 * broken link of a chain.
 */
import { describe, expect, it } from 'vitest';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { recordHash } from '../../vrf/protocol/records.ts';
import { TranscriptVerifier } from '../../vrf/protocol/verifier.ts';
import { chestDraw, diceDraw, lootDraw, mixedRoom, openRoom } from './room-fixture.ts';

describe('TranscriptVerifier', () => {
  it('fed record by record, says what verifyTranscript says, and keeps the open draws', async () => {
    const { keys, transcript } = await mixedRoom();
    const verifier = new TranscriptVerifier(transcript.roomId, keys);
    const steps = transcript.records.map((r) => verifier.accept(r));
    expect(steps.every((s) => s.problems.length === 0)).toBe(true);
    expect(steps.map(({ receipt: _r, ...report }) => report)).toEqual(verifyTranscript(transcript, keys).records);
    expect(verifier.pendingDraws()).toEqual([4]);
    expect(verifier.next).toBe(transcript.records.length);
    expect(verifier.head).toBe(transcript.records.at(-1)!.hash);
    // An outcome's step carries the receipt it was checked against.
    expect(steps[1]).toMatchObject({ type: 'outcome', receipt: { seq: 0, type: 'receipt' } });
  });

  it('goes on from where it stopped when the room has more records', async () => {
    const { room, keys, transcript } = await mixedRoom();
    const verifier = new TranscriptVerifier(transcript.roomId, keys);
    transcript.records.forEach((r) => verifier.accept(r));
    await diceDraw(room);
    await room.void(4, 'reveal-timeout'); // the draw left open
    await room.finish();
    const later = await room.transcript();
    const rest = later.records.slice(verifier.next).map((r) => verifier.accept(r));
    expect(rest.map((r) => [r.type, r.problems])).toEqual([
      ['receipt', []],
      ['outcome', []],
      ['void', []],
      ['close', []],
    ]);
    expect(verifier.closed).toBe(true);
    expect(verifier.pendingDraws()).toEqual([]);
    expect(verifyTranscript(later, keys)).toMatchObject({ ok: true, closed: true });
  });

  it('names the broken link: a record left out, a prev rewritten, a second outcome', async () => {
    const { keys, transcript } = await mixedRoom();
    const [r0, r1, r2, r3] = transcript.records;
    const skipped = new TranscriptVerifier(transcript.roomId, keys);
    skipped.accept(r0);
    expect(skipped.accept(r2).problems).toEqual(['seq 2 where 1 was expected', 'prev is not the hash of the previous record']);

    const rewritten = new TranscriptVerifier(transcript.roomId, keys);
    rewritten.accept(r0);
    const forged = { ...r1!, prev: r3!.hash };
    // Its seal covers prev: only the operator could have linked it elsewhere.
    expect(rewritten.accept({ ...forged, hash: recordHash(forged) }).problems).toEqual(['prev is not the hash of the previous record', 'outcome not sealed by the pinned signer']);

    const twice = new TranscriptVerifier(transcript.roomId, keys);
    twice.accept(r0);
    twice.accept(r1);
    expect(twice.accept({ ...r1!, seq: 2, prev: r1!.hash }).problems).toContain('second outcome or void for one draw');

    const elsewhere = new TranscriptVerifier('another-room', keys);
    expect(elsewhere.accept(r0).problems).toEqual(['record belongs to another room']);
    expect(elsewhere.accept({ nonsense: true })).toMatchObject({ seq: 1, type: 'malformed' });
  });
});

describe('a room\'s rules across its draws (the raid)', () => {
  it('a loot draw opens a chest its round placed, once; a voided one frees the chest', async () => {
    const { room, keys } = await openRoom('loot');
    await chestDraw(room, 1); // places 6 chests in round 1
    await lootDraw(room, 1, 0); // chest 0 opened
    await lootDraw(room, 1, 1, false); // chest 1: voided, so still closed
    await lootDraw(room, 1, 1); // and opened now
    expect(verifyTranscript(await room.transcript(), keys)).toMatchObject({ ok: true });
    const bad: [() => Promise<void>, RegExp][] = [
      [() => lootDraw(room, 1, 0), /chest 0 of round 1 was already opened/],
      [() => lootDraw(room, 2, 0), /round 2, whose chests were never placed/],
      [() => lootDraw(room, 1, 6), /chest 6, but round 1 placed 6 chests/],
    ];
    for (const [draw, problem] of bad) {
      const before = (await room.transcript()).records.length;
      await draw();
      const report = verifyTranscript(await room.transcript(), keys);
      expect(report.records[before]).toMatchObject({ type: 'receipt', problems: [expect.stringMatching(problem)] });
    }
  });
});
