/**
 * A dice room patches its state only when it changed (server/rooms/patch-on-change.ts), on a
 * real server over WebSockets: an idle room with a connected player sends no patch, a bet still
 * brings its patch, and a player whose messages change nothing is not counted as flooding (the
 * room's clock, which Colyseus' per-second message count reads, moves without a patch timer).
 * The idle window is measured on the server's own clock, read with the `clock` message: no
 * sleep, and no claim about speed.
 * No patch while idle is also what Colyseus' 20 Hz timer does (it sends nothing when nothing
 * changed), so the server is asked too: /metrics counts the rooms whose patch timer is off
 * (`fairplay_rooms_patching_on_change`, read from each room's patch rate), and the dice room must be one.
 */
import type { Room } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { TestPlayer } from '../helpers/player.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Longer than any clock tick the dice room ever had (4 Hz) and than Colyseus' patch timer (20 Hz), many times over. */
const IDLE_WINDOW_MS = 3_000;
/** Between `clock` requests: 10 a second, half the server's MAX_MESSAGES_PER_SECOND, and the window holds more than 20 of them. */
const CLOCK_EVERY_MS = 100;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

/** A gauge's value in the server's /metrics. */
async function gauge(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  if (value === undefined) throw new Error(`no ${name} in /metrics`);
  return Number(value);
}

/** The server's time, asked for with the `clock` message; fails if the server closes the connection first (`closed`). */
function serverClock(room: Room, closed: Promise<never>): Promise<number> {
  const answer = new Promise<number>((resolve) => {
    const off = room.onMessage('clock', (m: { serverTime: number }) => {
      off();
      resolve(m.serverTime);
    });
    room.send('clock', {});
  });
  return Promise.race([answer, closed]);
}

describe('a dice room patches only when its state changed', () => {
  it('sends no patch while idle, a patch after a bet, and keeps a player who asks the clock for seconds', async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    const { room } = player;
    const closed = new Promise<never>((_, reject) => room.onLeave((code) => reject(new Error(`the server closed my connection (${code})`))));
    closed.catch(() => undefined);
    await waitFor(() => (room.state.players?.get(player.address)?.balance ?? 0) > 0, { what: 'my starting chips in the room state' });
    // The room's patch timer is off: without this, the idle window below would pass on Colyseus' timer too.
    expect(await gauge('fairplay_rooms')).toBe(1);
    expect(await gauge('fairplay_rooms_patching_on_change')).toBe(1);
    let patches = 0;
    room.onStateChange(() => patches++);
    // A client's messages and patches arrive in order: after this answer, every patch from the join is in.
    const start = await serverClock(room, closed);
    patches = 0;

    // The window: asking the clock changes nothing, so no patch may come, however long it lasts.
    let now = start;
    let asked = 0;
    await waitFor(
      async () => {
        now = await serverClock(room, closed);
        asked++;
        return now - start >= IDLE_WINDOW_MS;
      },
      { what: `the server's clock ${IDLE_WINDOW_MS} ms on`, interval: CLOCK_EVERY_MS },
    );
    console.log(`idle window: ${Math.round(now - start)} ms on the server's clock, ${asked} clock requests, ${patches} patches`);
    expect(patches).toBe(0);
    // More messages than one second's limit, spread over seconds: not a flood (a stale clock would count them as one second's).
    expect(asked).toBeGreaterThan(20);

    // A bet changes the state (the stake leaves the balance, the draw count moves on): its patch comes.
    const before = room.state.players.get(player.address)!.balance;
    const stake = 10 * UNITS_PER_CHIP;
    const { receipt, seed } = await player.bet({ stake, target: 5000, direction: 'under' });
    await waitFor(() => room.state.draws === receipt.drawSeq + 1 && room.state.players.get(player.address)!.balance === before - stake, { what: 'the bet in the room state' });
    expect(patches).toBeGreaterThan(0);
    const outcome = await player.reveal(receipt.drawSeq, seed);
    await waitFor(() => room.state.rolls.some((r: { drawSeq: number }) => r.drawSeq === receipt.drawSeq), { what: 'the roll in the room state' });
    const payout = Number(outcome.record.result['payout'] ?? 0);
    await waitFor(() => room.state.players.get(player.address)!.balance === before - stake + payout, { what: 'the payout in my balance' });

    // And idle again: after the last change's patch, a further clock round trip brings none.
    await serverClock(room, closed);
    const settled = patches;
    await serverClock(room, closed);
    await serverClock(room, closed);
    expect(patches).toBe(settled);
    await room.leave();
  });
});
