/**
 * The load tool's players: each signs in delegating to a session key, which signs each of its
 * draws (protocol v2), as the page does, and plays dice or treasure raid until the run ends.
 * Dice bots bet once a second at varied chances (10% to 90%) and stakes, so wins pay more than
 * the stake, and a cashier (./economy-bots.ts) may cash out what became withdrawable. Raid bots
 * wander and open chests; the raid room's server clock gives the patch latency (dice rooms have
 * no clock to read).
 * @module
 */
import { Client, type Room } from '@colyseus/sdk';
import { Wallet, type HDNodeWallet } from 'ethers';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { CHESTS_PER_ROUND, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { authorize, sessionSignIn } from '../helpers/player.ts';
import type { BotCashier } from './economy-bots.ts';
import { sleep, type LoadStats } from './load-stats.ts';

export interface JoinedBot {
  readonly room: Room;
  readonly wallet: HDNodeWallet;
  readonly sessionKey: HDNodeWallet;
}

/** Refusals a fair player meets in a crowded raid (another player reached the chest first). */
const RACES = new Set(['chest-taken', 'too-far', 'not-now']);

/** Watches the raid room's server clock: now minus the clock in each patch that moved it is the patch's latency. */
function watchPatches(room: Room, stats: LoadStats): void {
  let last = 0;
  room.onStateChange((state: { serverTime?: number }) => {
    // Only patches that carry a new clock value: others (a player's move, a chest) leave it stale.
    if (!state.serverTime || state.serverTime === last) return;
    last = state.serverTime;
    stats.patch.push(Date.now() - state.serverTime);
  });
}

export async function joinBot(url: string, game: 'dice' | 'raid', stats: LoadStats, roomId?: string): Promise<JoinedBot> {
  const client = new Client(url);
  const wallet = Wallet.createRandom();
  const { token, sessionKey } = await sessionSignIn(url, wallet);
  client.auth.token = token;
  const room = roomId ? await client.joinById(roomId) : await client.create(game);
  room.reconnection.enabled = false;
  stats.connected++;
  room.onLeave(() => {
    stats.connected--;
    if (stats.running) stats.error('disconnected');
  });
  if (game === 'raid') {
    room.onMessage('error', (e: { code: string }) => RACES.has(e.code) || stats.error(`refused: ${e.code}`));
    watchPatches(room, stats);
  }
  return { room, wallet, sessionKey };
}

/** Win chances the dice bots bet at, in hundredths of a percent of rolls (winning rolls of 10,000). */
const CHANCES = [1000, 2500, 5000, 7500, 9000] as const;
/** Stakes, as multiples of the bot's base stake. */
const STAKE_MULTIPLES = [1, 2, 3] as const;

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;

/** Refusals that a smaller bet avoids: the bot's chips ran low, or the court's bond (on a server with a small one) cannot cover the payout. */
const SMALLER_BETS = new Set(['insufficient-chips', 'over-court-limit']);

export interface DiceStakes {
  /** Units: a bet is 1 to 3 times this. */
  readonly baseStake: number;
  /** Units: no bet may promise more (the court's bond, with a margin). */
  readonly maxPayout: number;
}

type Answer = { kind: 'receipt'; drawSeq: number } | { kind: 'refused'; code: string } | { kind: 'timeout' };

/**
 * A dice bot: a bet every second, at a chance and a stake drawn each time (`baseStake` units
 * times 1 to 3, under `maxPayout`); its cashier, if any, looks in after each. A bet refused for
 * want of chips or of court bond halves the base stake (down to one chip): the bot plays on smaller.
 */
export async function diceBot(bot: JoinedBot, rulesHash: string, stats: LoadStats, stakes: DiceStakes, cashier?: BotCashier): Promise<void> {
  const { baseStake, maxPayout } = stakes;
  const { room, sessionKey } = bot;
  const outcomes = new Map<number, (o: { record: { result: { payout?: number } } }) => void>();
  let pending: { commitment: string; resolve: (a: Answer) => void } | undefined;
  room.onMessage('receipt', (r: { drawSeq: number; commitments: string[] }) => {
    if (pending && r.commitments[0] === pending.commitment) pending.resolve({ kind: 'receipt', drawSeq: r.drawSeq });
  });
  room.onMessage('error', (e: { code: string }) => (pending && !String(e.code).startsWith('reveal-') ? pending.resolve({ kind: 'refused', code: e.code }) : stats.error(`refused: ${e.code}`)));
  room.onMessage('outcome', (o: { record: { drawSeq: number; result: { payout?: number } } }) => outcomes.get(o.record.drawSeq)?.(o));
  room.onMessage('void', () => stats.error('void'));
  let base = baseStake;
  await sleep(Math.random() * 1000);
  while (stats.running) {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    const target = pick(CHANCES);
    // A receipt promises at most what the reveal court's bond can pay: the stake stays under half of it.
    const stake = Math.max(UNITS_PER_CHIP, Math.min(base * pick(STAKE_MULTIPLES), Math.floor((maxPayout * target) / 10_000)));
    const bet = { stake, target, direction: 'under' };
    const authorization = await authorize(sessionKey, room.roomId, 'dice', 'roll', { ...bet }, commitment, rulesHash);
    const answer = await Promise.race([
      new Promise<Answer>((resolve) => {
        pending = { commitment, resolve };
        room.send('bet', { ...bet, commitment, authorization });
      }),
      sleep(10_000).then((): Answer => ({ kind: 'timeout' })),
    ]);
    pending = undefined;
    if (answer.kind !== 'receipt') {
      if (answer.kind === 'refused' && SMALLER_BETS.has(answer.code) && base > UNITS_PER_CHIP) base = Math.max(UNITS_PER_CHIP, Math.floor(base / 2));
      else if (answer.kind === 'refused' && answer.code === 'insufficient-chips') {
        // Not a chip left to bet: the player leaves the table, as a broke player does (not an error).
        stats.broke++;
        return;
      } else stats.error(answer.kind === 'timeout' ? 'no receipt in 10 s' : `refused: ${answer.code}`);
      await sleep(1000);
      continue;
    }
    const t0 = performance.now();
    const outcome = await Promise.race([new Promise<{ record: { result: { payout?: number } } }>((r) => outcomes.set(answer.drawSeq, r) && room.send('reveal', { drawSeq: answer.drawSeq, seed })), sleep(10_000).then(() => undefined)]);
    outcomes.delete(answer.drawSeq);
    if (!outcome) stats.error('no outcome in 10 s');
    else {
      stats.draws++;
      stats.revealToOutcome.push(performance.now() - t0);
      if (Number(outcome.record.result.payout ?? 0) > stake) stats.bigWins++;
    }
    await cashier?.afterBet();
    await sleep(1000);
  }
}

export async function raidBot(bot: JoinedBot, stats: LoadStats): Promise<void> {
  const { room, sessionKey } = bot;
  const address = bot.wallet.address;
  const seeds = new Map<string, string>();
  const revealedAt = new Map<number, number>();
  const commit = () => {
    const seed = newSeed();
    const c = seedCommitment(seed);
    seeds.set(c, seed);
    return c;
  };
  /** Sends a draw-opening message with a fresh commitment, signed by the session key. */
  const request = async (type: string, body: Record<string, number>, kind: string, action: Record<string, string | number>) => {
    const commitment = commit();
    room.send(type, { ...body, commitment, authorization: await authorize(sessionKey, room.roomId, 'raid', kind, action, commitment) });
  };
  room.onMessage('commit-request', (m: { round: number }) => void request('commit', { round: m.round }, 'chests', { round: m.round, count: CHESTS_PER_ROUND }));
  room.onMessage('receipt', (r: { drawSeq: number; commitments: string[] }) => {
    for (const c of r.commitments) {
      const seed = seeds.get(c);
      if (!seed) continue;
      seeds.delete(c);
      revealedAt.set(r.drawSeq, performance.now());
      room.send('reveal', { drawSeq: r.drawSeq, seed });
    }
  });
  room.onMessage('outcome', (o: { record: { drawSeq: number } }) => {
    const t0 = revealedAt.get(o.record.drawSeq);
    if (t0 === undefined) return;
    revealedAt.delete(o.record.drawSeq);
    stats.draws++;
    stats.revealToOutcome.push(performance.now() - t0);
  });
  room.onMessage('void', () => undefined); // a chest draw voided when a player left: the room redraws
  const state = () => room.state as unknown as { round?: number; players?: Map<string, { x: number; y: number }>; chests?: Iterable<{ id: number; x: number; y: number; openedBy: string; opening: string }> };
  while (stats.running) {
    room.send('move', { dx: Math.random() * 2 - 1, dy: Math.random() * 2 - 1 });
    await sleep(500);
    const me = state().players?.get(address);
    for (const c of state().chests ?? []) {
      if (!c.openedBy && !c.opening && me && Math.hypot(me.x - c.x - 0.5, me.y - c.y - 0.5) < 1.1) await request('open', { chest: c.id }, 'loot', { round: state().round ?? 0, chest: c.id, table: RAID_LOOT_MAPPING });
    }
  }
}
