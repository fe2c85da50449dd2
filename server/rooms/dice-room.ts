/**
 * Dice, over/under: a wager room for several players. Game rules only; fairness, chips, awards
 * and sign-in are services. A bet is a draw: the player commits to a seed, the room answers
 * with a signed receipt (the stake is taken), the player reveals, the room proves and pays.
 * @module
 */
import { Room, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';
import { z } from 'zod';
import { DiceActionSchema, diceActionProblem, type DiceAction } from '../../games/dice/rules.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { authenticatePlayer, claimSeat, releaseSeat, type PlayerAuth } from '../auth/room-auth.ts';
import { InsufficientChips } from '../chips/chip-ledger.ts';
import { RevealError, type RoomTranscript } from '../fairness/room-transcript.ts';
import { applyRecordEffects } from '../games/record-effects.ts';
import { services } from '../services.ts';
import { RoomWork } from './room-work.ts';

const DicePlayer = schema({ address: t.string(), balance: t.number().default(0), connected: t.boolean().default(true) }, 'DicePlayer');
const DiceRoll = schema(
  { drawSeq: t.number(), player: t.string(), target: t.number(), direction: t.string(), roll: t.number(), win: t.boolean(), payout: t.number() },
  'DiceRoll',
);
export const DiceState = schema(
  {
    players: t.map(DicePlayer),
    rolls: t.array(DiceRoll),
    houseEdgeBps: t.number().default(0),
    draws: t.number().default(0),
    /** Server clock (ms since 1970, sub-ms), ticking 4 times a second: clients show reveal deadlines from it. */
    serverTime: t.float64().default(0),
  },
  'DiceState',
);
type DiceStateType = SchemaType<typeof DiceState>;

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, '32 bytes of hex');
/** A bet is the player's part of the dice action (the house edge is the server's) and a commitment. */
const BetMessage = DiceActionSchema.omit({ edgeBps: true }).extend({ commitment: hex32 });
const RevealMessage = z.strictObject({ drawSeq: z.number().int().min(0), seed: hex32 });

/** Bets a player may have waiting for a reveal at once. */
const MAX_PENDING_PER_PLAYER = 4;
const RECENT_ROLLS = 20;
/** A receipted bet whose seed is not revealed by then is voided and refunded. */
const REVEAL_TIMEOUT_MS = 60_000;
const KICKED = 4002;
const CLOCK_TICK_MS = 250;

type DiceClient = Client<{ auth: PlayerAuth }>;

/** onAuth admitted every client of this room, so each has an address. */
const addressOf = (client: DiceClient): string => client.auth!.address;

export class DiceRoom extends Room<{ state: DiceStateType; client: DiceClient }> {
  override maxClients = 16;
  override state = new DiceState();
  #transcript!: RoomTranscript;
  readonly #pendingBy = new Map<string, Set<number>>(); // lowercase address -> drawSeqs
  /** Handlers and journal writes under way: the room is filed as finished only after them. */
  readonly #work = new RoomWork((err) => services().log.error({ err, roomId: this.roomId }, 'room work failed'));
  #clockTimer: ReturnType<typeof setInterval> | undefined;
  readonly #betsInFlight = new Map<string, number>(); // lowercase address -> bets awaiting their receipt

  static override onAuth(token: string): Promise<PlayerAuth> {
    return authenticatePlayer(token);
  }

  override async onCreate(): Promise<void> {
    const { config, rooms } = services();
    this.maxMessagesPerSecond = config.maxMessagesPerSecond;
    this.state.houseEdgeBps = config.houseEdgeBps;
    this.#transcript = await rooms.open(this.roomId);
    // A timer of its own, not Colyseus' clock (which ticks inside each patch): a clock change
    // then waits for the next patch like any other change, and clients see real patch latency.
    this.#clockTimer = setInterval(() => (this.state.serverTime = performance.timeOrigin + performance.now()), CLOCK_TICK_MS);
    // Messages are checked with zod inside the handlers rather than with Colyseus' validate(),
    // which disconnects the sender: a player with a malformed bet gets an error and plays on.
    this.onMessage('bet', (client, message) => this.#guard(client, () => this.#bet(client, message)));
    this.onMessage('reveal', (client, message) => this.#guard(client, () => this.#reveal(client, message)));
    this.onMessage('*', (client, type) => this.#refuse(client, 'unknown-message', `no message type "${String(type)}" in dice`));
  }

  override async onJoin(client: DiceClient): Promise<void> {
    await claimSeat('dice', this.roomId, client);
    // Chips this player won or got back on another process count here from the first bet.
    await services().syncPeers();
    const address = addressOf(client);
    const existing = this.state.players.get(address);
    const player = existing ?? new DicePlayer();
    player.address = address;
    player.balance = services().chips.available(address);
    player.connected = true;
    if (!existing) this.state.players.set(address, player);
  }

  override async onDrop(client: DiceClient, code?: number): Promise<void> {
    const player = this.state.players.get(addressOf(client));
    if (player) player.connected = false;
    // A client cut off for flooding or bad frames does not keep a reserved seat.
    if (code === KICKED) return;
    await this.allowReconnection(client, services().config.reconnectGraceSeconds).catch(() => undefined);
  }

  override onReconnect(client: DiceClient): void {
    const player = this.state.players.get(addressOf(client));
    if (player) player.connected = true;
  }

  override async onLeave(client: DiceClient): Promise<void> {
    const address = addressOf(client);
    if (!this.clients.some((c) => c.auth?.address === address)) this.state.players.delete(address);
    // Its bets' stakes must be journaled before the seat frees: another process may seat the
    // player at dice next, and reads this process's chips from the journal, not from memory.
    await this.#work.settled();
    await releaseSeat('dice', this.roomId, client);
  }

  override async onDispose(): Promise<void> {
    clearInterval(this.#clockTimer);
    // A draw whose record is written but whose payout is not would be lost if the room were
    // filed now (recovery only re-reads rooms left open): let every handler finish first.
    await this.#work.settled();
    // Read afresh after every wait: draws whose proofs were under way settle in the meantime.
    for (let draw = this.#transcript.pendingDraws()[0]; draw; draw = this.#transcript.pendingDraws()[0])
      await this.#conclude(draw.receipt, 'the room closed before the seed was revealed');
    await this.#work.settled();
    await services().rooms.finish(this.#transcript);
  }

  async #bet(client: DiceClient, message: unknown): Promise<void> {
    const { config, chips } = services();
    const bet = BetMessage.safeParse(message);
    if (!bet.success) return this.#refuse(client, 'bad-message', describe(bet.error));
    const address = addressOf(client);
    const action: DiceAction = { stake: bet.data.stake, target: bet.data.target, direction: bet.data.direction, edgeBps: config.houseEdgeBps };
    const problem = diceActionProblem(action) ?? (action.stake > config.maxBet ? `stake above the maximum bet of ${config.maxBet}` : undefined);
    if (problem) return this.#refuse(client, 'bad-bet', problem);
    const pending = this.#pendingOf(address);
    const key = address.toLowerCase();
    const inFlight = this.#betsInFlight.get(key) ?? 0;
    if (pending.size + inFlight >= MAX_PENDING_PER_PLAYER) return this.#refuse(client, 'too-many-pending', `at most ${MAX_PENDING_PER_PLAYER} unrevealed bets`);
    try {
      chips.reserve(address, action.stake);
    } catch (e) {
      if (e instanceof InsufficientChips) return this.#refuse(client, 'insufficient-chips', e.message);
      throw e;
    }
    this.#betsInFlight.set(key, inFlight + 1);
    let receipt: ReceiptRecord & { hash: string };
    try {
      receipt = await this.#transcript.receipt({
        game: 'dice',
        kind: 'roll',
        action: { ...DiceActionSchema.parse(action) },
        players: [{ address, commitment: bet.data.commitment.replace(/^0x/, '').toLowerCase() }],
      });
      const stake = applyRecordEffects(services(), receipt, receipt);
      this.#work.track(stake.chips);
      this.#work.track(stake.awards);
    } finally {
      chips.release(address, action.stake);
      this.#betsInFlight.set(key, (this.#betsInFlight.get(key) ?? 1) - 1);
    }
    pending.add(receipt.drawSeq);
    this.state.draws = receipt.drawSeq + 1;
    this.#showBalance(address);
    this.clock.setTimeout(() => this.#work.track(this.#expire(receipt)), REVEAL_TIMEOUT_MS);
    client.send('receipt', receipt);
  }

  async #reveal(client: DiceClient, message: unknown): Promise<void> {
    const reveal = RevealMessage.safeParse(message);
    if (!reveal.success) return this.#refuse(client, 'bad-message', describe(reveal.error));
    const { drawSeq, seed } = reveal.data;
    const address = addressOf(client);
    let complete: boolean;
    try {
      complete = await this.#transcript.reveal(drawSeq, address, seed.replace(/^0x/, ''));
    } catch (e) {
      if (e instanceof RevealError) return this.#refuse(client, `reveal-${e.code}`, e.message, drawSeq);
      throw e;
    }
    if (!complete) return;
    // Taken while the draw is pending: once settled, only a few recent receipts stay in memory.
    const receipt = this.#transcript.receiptOf(drawSeq)!;
    const outcome = await this.#transcript.settle(drawSeq);
    await this.#applyEffects({ ...outcome.record, hash: outcome.recordHash }, receipt);
    const { roll, win, payout } = outcome.record.result as { roll: number; win: boolean; payout: number };
    const action = receipt.action as DiceAction;
    this.state.rolls.push(new DiceRoll({ drawSeq, player: address, target: action.target, direction: action.direction, roll, win, payout }));
    while (this.state.rolls.length > RECENT_ROLLS) this.state.rolls.shift();
    client.send('outcome', outcome);
  }

  async #expire(receipt: ReceiptRecord): Promise<void> {
    if (!this.#transcript.pendingDraws().some((d) => d.receipt.drawSeq === receipt.drawSeq)) return;
    try {
      await this.#conclude(receipt, 'the seed was not revealed in time');
    } catch (err) {
      services().log.error({ err, roomId: this.roomId, drawSeq: receipt.drawSeq }, 'could not end an expired draw');
    }
  }

  /** Settles (all seeds in) or voids a pending draw, pays its effects and tells its player. */
  async #conclude(receipt: ReceiptRecord, voidReason: string): Promise<void> {
    const record = await this.#transcript.conclude(receipt.drawSeq, voidReason);
    await this.#applyEffects(record, receipt);
    if (record.type === 'void')
      this.clients.find((c) => c.auth?.address === receipt.players[0])?.send('void', { drawSeq: receipt.drawSeq, reason: voidReason, record });
  }

  async #applyEffects(record: HashedRecord, receipt: ReceiptRecord): Promise<void> {
    const { chips, awards } = applyRecordEffects(services(), record, receipt);
    // Chip entries follow from the room's own records, which are durable before anyone hears of
    // them, and recovery re-applies every record of a room left open. So the room need not wait
    // for the chip journal on each draw, only before the room is filed as finished.
    this.#work.track(chips);
    await awards;
    const player = receipt.players[0]!;
    this.#pendingOf(player).delete(record.drawSeq);
    this.#showBalance(player);
  }

  #pendingOf(address: string): Set<number> {
    const key = address.toLowerCase();
    let set = this.#pendingBy.get(key);
    if (!set) this.#pendingBy.set(key, (set = new Set()));
    return set;
  }

  #showBalance(address: string): void {
    const player = this.state.players.get(address);
    if (player) player.balance = services().chips.available(address);
  }

  #refuse(client: DiceClient, code: string, message: string, drawSeq?: number): void {
    client.send('error', drawSeq === undefined ? { code, message } : { code, message, drawSeq });
  }

  // A handler that fails unexpectedly answers the player and leaves the room running.
  #guard(client: DiceClient, handler: () => Promise<void>): void {
    this.#work.track(
      handler().catch((e: unknown) => {
        services().log.error({ err: e, roomId: this.roomId }, 'dice handler failed');
        this.#refuse(client, 'internal', 'the server could not complete this request');
      }),
    );
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
}
