import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Colyseus close code MAY_TRY_RECONNECT: an unexpected drop, not a goodbye. */
const DROPPED = 4010;
import { outcomeProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

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
    const { receipt, seed } = await player.bet({ stake: 40, target: 5000, direction: 'over' });
    const { roomId, sessionId, reconnectionToken } = player.room;
    await new Promise((r) => setTimeout(r, 150));
    expect(player.room.state.players.get(player.address).balance).toBe(960);

    // The connection drops without a goodbye, as when a phone loses its network.
    player.room.reconnection.enabled = false;
    player.room.connection.close(DROPPED);
    await new Promise((r) => setTimeout(r, 300));

    const back = await new Client(server.url).reconnect(reconnectionToken);
    expect([back.roomId, back.sessionId]).toEqual([roomId, sessionId]);
    const outcome = new Promise<any>((resolve) => back.onMessage('outcome', resolve));
    for (const type of ['receipt', 'error', 'void']) back.onMessage(type, () => undefined);
    back.send('reveal', { drawSeq: receipt.drawSeq, seed });
    const o = await outcome;
    expect(outcomeProblems(receipt, o.record, fairness)).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(back.state.players.get(player.address).balance).toBe(960 + o.record.result.payout);
    await back.leave();
  });

  it('gives the seat up after the grace period; the unrevealed bet is voided and refunded', async () => {
    const player = await TestPlayer.join(server.url);
    await player.bet({ stake: 30, target: 5000, direction: 'under' });
    const token = player.room.reconnectionToken;
    player.room.reconnection.enabled = false;
    player.room.connection.close(DROPPED);
    await new Promise((r) => setTimeout(r, 5_600));
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
    // The empty room closes and voids the draw that can no longer be revealed.
    await new Promise((r) => setTimeout(r, 500));
    expect(await getJson(`${server.url}/players/${player.address}/chips`)).toMatchObject({ balance: 1000 });
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${player.room.roomId}/transcript`);
    expect(transcript.records.map((r) => r.type)).toEqual(['receipt', 'void', 'close']);
    expect(verifyTranscript(transcript, fairness)).toMatchObject({ ok: true, closed: true, pendingDraws: [] });
  });
});
