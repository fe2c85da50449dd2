/**
 * The page's live chain (client/src/live-transcript.ts), in Node with the server's own room
 * transcript behind a fake fetch: a late joiner verifies the transcript and goes on with live
 * records; records heard during the fetch wait and are matched; a gap fetches and is never a
 * failure; a wrong record, a second version of a record and a rewritten history are.
 */
import { describe, expect, it } from 'vitest';
import { LiveTranscript, type Verdict } from '../../client/src/live-transcript.ts';
import { recordHash } from '../../vrf/protocol/records.ts';
import type { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { Wallet } from 'ethers';
import { authorizedPlayer, diceDraw, mixedRoom, openRoom } from './room-fixture.ts';

/** A fetch of the room's transcript that counts its calls, and can be held or made to fail. */
function fetcher(room: RoomTranscript) {
  const f = {
    calls: 0,
    fail: false,
    hold: undefined as Promise<void> | undefined,
    fetch: async () => {
      f.calls++;
      const t = await room.transcript();
      await f.hold;
      if (f.fail) throw new Error('network down');
      return t;
    },
  };
  return f;
}

describe('LiveTranscript', () => {
  it('a late joiner verifies the transcript, then the outcome of a draw whose receipt it never heard', async () => {
    const { room, keys } = await openRoom('late');
    await diceDraw(room);
    const draw = { game: 'raid', kind: 'chests', action: { round: 1, count: 6 } };
    const { address: player, seed, ...signed } = await authorizedPlayer(room, draw);
    const receipt = await room.receipt({ ...draw, players: [{ address: player, ...signed }] });
    const f = fetcher(room);
    const live = new LiveTranscript('late', keys, f.fetch);
    await live.catchUp();
    expect(live.next).toBe(3);
    await room.reveal(receipt.drawSeq, player, seed);
    const outcome = await room.settle(receipt.drawSeq);
    const verdict = await live.receive({ ...outcome.record, hash: outcome.recordHash });
    expect(verdict).toMatchObject({ seq: 3, type: 'outcome', problems: [], receiptVia: 'transcript', receipt: { seq: 2, kind: 'chests' } });
    expect(f.calls).toBe(1);
  });

  it('records heard while the transcript is fetched wait, and are matched against its copies', async () => {
    const { room, keys, transcript } = await mixedRoom('during');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The server answers with the 9 records it had when asked; two more are heard before the answer lands.
    const live = new LiveTranscript('during', keys, () => held.then(() => transcript));
    const joined = live.catchUp();
    const heard = [transcript.records[7], transcript.records[8]].map((r) => live.receive(r));
    await diceDraw(room);
    const [r9, r10] = (await room.transcript()).records.slice(9);
    const later = [live.receive(r9), live.receive(r10)];
    release();
    await joined;
    const verdicts = await Promise.all([...heard, ...later]);
    expect(verdicts.map((v) => [v.seq, v.type, v.problems])).toEqual([
      [7, 'void', []],
      [8, 'receipt', []],
      [9, 'receipt', []],
      [10, 'outcome', []],
    ]);
    expect(verdicts[3]!.receiptVia).toBe('live');
  });

  it('a gap fetches the transcript and is never a failure; without a transcript the record is unplaced', async () => {
    const { room, keys, transcript } = await mixedRoom('gap');
    const f = fetcher(room);
    const live = new LiveTranscript('gap', keys, f.fetch);
    expect((await live.receive(transcript.records[0])).problems).toEqual([]);
    expect(f.calls).toBe(0);
    const ahead = await live.receive(transcript.records[5]);
    expect(ahead).toMatchObject({ seq: 5, type: 'outcome', problems: [], receiptVia: 'transcript' });
    expect(f.calls).toBe(1);
    expect(live.next).toBe(9);

    await diceDraw(room);
    await diceDraw(room);
    f.fail = true;
    const records = (await room.transcript()).records;
    const unplaced = await live.receive(records[12]);
    expect(unplaced.problems).toEqual([]);
    expect(unplaced.unplaced).toMatch(/not placed in the room's chain yet: the transcript could not be fetched \(network down\)/);
  }, 15_000);

  it('fails a wrong record, a second version of a record, and a transcript that rewrites what was verified', async () => {
    const { room, keys, transcript } = await mixedRoom('wrong');
    const live = new LiveTranscript('wrong', keys, fetcher(room).fetch);
    await live.receive(transcript.records[0]);
    const outcome = transcript.records[1] as (typeof transcript.records)[1] & { result: { roll: number } };
    const changed = { ...outcome, result: { ...outcome.result, roll: (outcome.result.roll + 1) % 10_000 } };
    const wrong = await live.receive({ ...changed, hash: recordHash(changed) });
    expect(wrong.problems).toContain('result differs from the one computed from beta');
    const copy = await live.receive(transcript.records[1]);
    expect(copy.problems).toEqual(['this copy of record 1 differs from the one in the chain: the server showed two versions of it']);

    const history: Verdict[] = [];
    const other = new LiveTranscript('wrong', keys, async () => ({ ...transcript, records: [transcript.records[0], { ...changed, hash: recordHash(changed) }, ...transcript.records.slice(2)] }), (v) => history.push(v));
    await other.catchUp();
    expect(history.map((v) => [v.seq, v.problems.length > 0])).toEqual([[1, true], [2, true]]);

    const forked = new LiveTranscript('wrong', keys, async () => ({ ...transcript, records: [transcript.records[0], { ...changed, hash: recordHash(changed) }] }));
    await forked.receive(transcript.records[0]);
    await forked.receive(transcript.records[1]);
    const after = await forked.receive(transcript.records[3]);
    expect(after.problems).toEqual(["the room's transcript contradicts record 1 this page verified: the server showed two histories"]);
  });
});
