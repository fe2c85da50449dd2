import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Colyseus close code MAY_TRY_RECONNECT: an unexpected drop, not a goodbye. */
const DROPPED = 4010;
import { outcomeProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

let server: ServerProcess;
let fairness: FairnessParams;

beforeAll(async () => {
  server = await startServerProcess({ env: { RECONNECT_GRACE_SECONDS: '5' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

describe('reconnection within the grace period', () => {
  it('keeps the seat, the pending draw and the balance', async () => {
    const player = await TestPlayer.join(server.url);
    // Another player in the room, who sees the drop in the room's state.
    const observer = await TestPlayer.join(server.url, { roomId: player.room.roomId });
    const { receipt, seed } = await player.bet({ stake: 40 * UNITS_PER_CHIP, target: 5000, direction: 'over' });
    const { roomId, sessionId, reconnectionToken } = player.room;
    await waitFor(() => player.room.state.players.get(player.address)?.balance === 960 * UNITS_PER_CHIP, { what: 'the stake of 40 chips taken in the room state' });

    // The connection drops without a goodbye, as when a phone loses its network.
    player.room.reconnection.enabled = false;
    player.room.connection.close(DROPPED);
    await waitFor(() => observer.room.state.players.get(player.address)?.connected === false, { what: 'the room to see the player dropped' });
    expect(observer.room.state.players.has(player.address)).toBe(true); // the seat is kept

    const back = await new Client(server.url).reconnect(reconnectionToken);
    expect([back.roomId, back.sessionId]).toEqual([roomId, sessionId]);
    const outcome = new Promise<any>((resolve) => back.onMessage('outcome', resolve));
    for (const type of ['receipt', 'error', 'void']) back.onMessage(type, () => undefined);
    back.send('reveal', { drawSeq: receipt.drawSeq, seed });
    const o = await outcome;
    expect(outcomeProblems(receipt, o.record, fairness)).toEqual([]);
    const balance = 960 * UNITS_PER_CHIP + o.record.result.payout;
    await waitFor(() => back.state.players.get(player.address)?.balance === balance, { what: `the balance ${balance} in the room state` });
    // The observer hears of it in its own room's next patch, which may come after the player's.
    await waitFor(() => observer.room.state.players.get(player.address)?.connected === true, { what: 'the room to see the player back' });
    await Promise.all([back.leave(), observer.room.leave()]);
  });

  it('gives the seat up after the grace period; the unrevealed bet is voided and refunded', async () => {
    const player = await TestPlayer.join(server.url);
    await player.bet({ stake: 30 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    const token = player.room.reconnectionToken;
    player.room.reconnection.enabled = false;
    player.room.connection.close(DROPPED);
    // RECONNECT_GRACE_SECONDS=5 later the seat is given up; the empty room closes and voids the
    // draw that can no longer be revealed.
    const transcript = await waitFor(
      async () => {
        const t = await getJson<Transcript>(`${server.url}/rooms/${player.room.roomId}/transcript`);
        return t.records.some((r) => r.type === 'close') && t;
      },
      { what: 'the room to close once the grace period is over', timeout: 60_000, interval: 250 },
    );
    expect(transcript.records.map((r) => r.type)).toEqual(['receipt', 'void', 'close']);
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
    expect(await getJson(`${server.url}/players/${player.address}/chips`)).toMatchObject({ balance: 1000 * UNITS_PER_CHIP });
    expect(verifyTranscript(transcript, fairness)).toMatchObject({ ok: true, closed: true, pendingDraws: [] });
  });
});
