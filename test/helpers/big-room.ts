/**
 * A dice room with a big transcript, played through a real server: 16 players (a dice room's
 * seats), each betting in 3 loops (the unrevealed bets a player may have), until the transcript
 * holds about `targetBytes`. The server must let the players send fast enough
 * (MAX_MESSAGES_PER_SECOND raised). Used by the hostile transcript tests and the `hostile` bench.
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { Gambler, randomWallet } from './gambler.ts';
import { getJson } from './player.ts';
import { waitFor } from './wait-for.ts';

/** Seats of a dice room, and the unrevealed bets a player may have (games/dice). */
const PLAYERS = 16;
const LOOPS_PER_PLAYER = 3;
/** Draws played first to learn a draw's size (its receipt and outcome records). */
const SAMPLE_DRAWS = 100;

export interface BigRoom {
  readonly roomId: string;
  /** The seated players: the room is live until they leave. */
  readonly players: Gambler[];
  readonly draws: number;
  /** Bytes of transcript a draw adds, as measured on the first draws. */
  readonly bytesPerDraw: number;
  readonly seconds: number;
}

/** Every player bets in LOOPS_PER_PLAYER loops until `bets` more draws are settled in the room. */
async function play(players: readonly Gambler[], bets: number): Promise<void> {
  let placed = 0;
  const loop = async (g: Gambler) => {
    while (placed < bets) {
      placed++;
      const bet = await g.bet({ stake: UNITS_PER_CHIP, target: 5000, direction: 'under' });
      if ('refused' in bet) throw new Error(`a bet of the big room was refused: ${bet.refused}`);
      g.reveal(bet.receipt.drawSeq, bet.seed);
      await g.outcome(bet.receipt.drawSeq);
    }
  };
  await Promise.all(players.flatMap((g) => Array.from({ length: LOOPS_PER_PLAYER }, () => loop(g))));
}

/**
 * Seats 16 players in a new dice room on `url` and plays it to about `targetBytes` of transcript.
 * The room is left live (seated); `leaveBigRoom` finishes it.
 */
export async function playBigRoom(url: string, targetBytes: number): Promise<BigRoom> {
  const started = performance.now();
  const first = await Gambler.enter(url, randomWallet());
  const roomId = first.room.roomId;
  const others = Array.from({ length: PLAYERS - 1 }, () => Gambler.enter(url, randomWallet(), roomId));
  const players = [first, ...(await Promise.all(others))];
  // A first hundred draws tell the size of a draw (its receipt and outcome), hence how many make the target.
  await play(players, SAMPLE_DRAWS);
  const sample = await getJson<Transcript>(`${url}/rooms/${roomId}/transcript?limit=200`);
  const bytesPerDraw = JSON.stringify(sample.records).length / (sample.records.length / 2);
  const draws = Math.ceil(targetBytes / bytesPerDraw);
  await play(players, draws - SAMPLE_DRAWS);
  return { roomId, players, draws, bytesPerDraw, seconds: (performance.now() - started) / 1000 };
}

/** Every player of the room leaves, so the room closes and files its transcript. */
export async function leaveBigRoom(room: BigRoom): Promise<void> {
  await Promise.all(room.players.map((g) => g.room.leave()));
}

/** Every player leaves, then waits until the room is filed as finished: its entry in the closed-rooms listing. */
export async function fileBigRoom(url: string, room: BigRoom): Promise<{ roomId: string; records: number }> {
  await leaveBigRoom(room);
  return waitFor(
    async () => (await getJson<{ rooms: { roomId: string; records: number }[] }>(`${url}/rooms?status=closed&limit=1000`)).rooms.find((r) => r.roomId === room.roomId),
    { what: `room ${room.roomId} to be filed`, timeout: 120_000 },
  );
}

/** One line for a test's or bench's output. */
export function describeBigRoom(room: BigRoom): string {
  return `big room ${room.roomId}: ${room.players.length} players played ${room.draws} draws (${room.bytesPerDraw.toFixed(0)} bytes each) in ${room.seconds.toFixed(1)} s`;
}
