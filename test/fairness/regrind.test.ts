/**
 * A server that voids a draw after the player revealed, then issues a new draw on the same
 * commitment, knows the seed and could pick among re-rolls: the transcript verifier refuses a
 * commitment used twice.
 */
import { describe, expect, it } from 'vitest';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { authorizedPlayer, openRoom } from './room-fixture.ts';

describe('a revealed seed reused in a second draw', () => {
  it('is refused by the transcript verifier, naming the receipt that reused it', async () => {
    // A dishonest server: it skips the registry that refuses a commitment used before.
    const { room, keys } = await openRoom('regrind', { commitments: { claim: async () => undefined } });
    const terms = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under', edgeBps: 100 } };
    const { address: player, seed, ...signed } = await authorizedPlayer(room, terms);
    const draw = { ...terms, players: [{ address: player, ...signed }] };
    const first = await room.receipt(draw);
    await room.reveal(first.drawSeq, player, seed);
    await room.void(first.drawSeq, 'the seed was not revealed in time'); // a lie: it was
    const second = await room.receipt(draw);
    await room.reveal(second.drawSeq, player, seed);
    await room.settle(second.drawSeq);

    const report = verifyTranscript(await room.transcript(), keys);
    expect(report.ok).toBe(false);
    const flagged = report.records.filter((r) => r.problems.length);
    expect(flagged).toEqual([{ seq: second.seq, type: 'receipt', drawSeq: second.drawSeq, problems: [expect.stringMatching(new RegExp(`already used in receipt ${first.seq}: a revealed seed reused`))] }]);
  });
});
