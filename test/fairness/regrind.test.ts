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
    const terms = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
    const { address: player, seed, ...signed } = await authorizedPlayer(room, terms);
    const draw = { ...terms, players: [{ address: player, ...signed }] };
    const first = await room.receipt(draw);
    // The server heard the seed but voids the draw as if it never came (it keeps the reveal out
    // of its journal): a lie no record shows, until the commitment comes back.
    await room.void(first.drawSeq, 'reveal-timeout');
    const second = await room.receipt(draw);
    await room.reveal(second.drawSeq, player, seed);
    await room.settle(second.drawSeq);

    const report = verifyTranscript(await room.transcript(), keys);
    expect(report.ok).toBe(false);
    const flagged = report.records.filter((r) => r.problems.length);
    expect(flagged).toEqual([{ seq: second.seq, type: 'receipt', drawSeq: second.drawSeq, problems: [expect.stringMatching(new RegExp(`already used \\(room regrind receipt ${first.seq}\\): a revealed seed reused`))] }]);
  });
});
