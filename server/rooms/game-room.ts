/**
 * What every game's room repeats, so a game's room holds its rules only: sign-in and seats,
 * reconnection and drop, the draw lifecycle (receipt, reveal, expiry, settle or void), effects
 * on chips and awards durable before anyone is told, one answer for any refused or failed
 * message (sync or async), and shutdown that settles or voids every open draw before the room is
 * filed as finished. A room patches its state when it changed, not on a timer
 * (server/rooms/patch-on-change.ts), unless its game ticks a simulation anyway.
 * @module
 */
import { Room, type Client } from '@colyseus/core';
import type { Schema } from '@colyseus/schema';
import { z } from 'zod';
import type { GameRules } from '../../games/game-rules.ts';
import { drawMoveDigest, drawRequestDigest, type DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import type { HashedRecord, ReceiptRecord, VoidReason } from '../../vrf/protocol/records.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { voidsRevealedDraws } from '../court/test-withhold.ts';
import { authenticateRequest, claimSeat, releaseSeat, type PlayerAuth } from '../auth/room-auth.ts';
import { KeyNotInForce, OverCourtLimit, RevealError, type OutcomeMessage, type RoomTranscript } from '../fairness/room-transcript.ts';
import { CommitmentUsed } from '../indexes/commitments.ts';
import { reapplyEffects } from '../fairness/recovery.ts';
import { limitRoomCreation } from '../limits/room-creation-limit.ts';
import { bonusAtJoin } from '../economy/bonus-at-join.ts';
import { services } from '../services.ts';
import { playerSignature } from './player-signature.ts';
import { applyRecordEffects } from './record-effects.ts';
import { Refusal } from './refusal.ts';

export { Refusal } from './refusal.ts';
import { RoomWork } from './room-work.ts';
import { patchOnChange, type PatchOnChange } from './patch-on-change.ts';

export type PlayerClient = Client<{ auth: PlayerAuth }>;
export type Receipt = ReceiptRecord & { hash: string };


const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, '32 bytes of hex');
/** A seed commitment or a seed as messages carry them: 32 bytes of hex, 0x optional, any case. */
export const Hex32Schema = hex32.transform((h) => h.replace(/^0x/, '').toLowerCase());
/**
 * A draw request's signature as a draw-opening message carries it (`authorization`): 0x and 65
 * bytes of hex. Checked by `authorize`, not here, so that a missing or malformed one is refused
 * as `bad-authorization` like a wrong one.
 */
export const AuthorizationSchema = z.string().max(200).optional();
const RevealMessage = z.strictObject({ drawSeq: z.number().int().min(0), seed: Hex32Schema });

/** Colyseus' close code for a client it cut off (flooding, undecodable frames). */
const KICKED = 4002;

/** The player a client signed in as: onAuth admitted every client of a game room. */
export const addressOf = (client: PlayerClient): string => client.auth!.address;

/** Marks kept before the ended draws the transcript has forgotten are dropped. */
const ENDED_KEPT = 256;

export abstract class GameRoom<S extends Schema> extends Room<{ state: S; client: PlayerClient }> {
  /** The game's published rules: its id names the room, its records and its seats. */
  protected abstract readonly rules: GameRules;
  /** Whether the game stakes chips: such seats of one address keep to the process holding its chips. */
  protected readonly stakesChips: boolean = false;
  /** Who hears of a draw's receipt, outcome and void: its players, or every client of the room. */
  protected readonly drawNews: 'players' | 'room' = 'players';
  /** A draw whose seeds are not all revealed by then is voided. */
  protected readonly revealTimeoutMs: number = 60_000;
  /**
   * Whether the room sends a patch only when its state changed, with no patch timer: an idle
   * room then costs nothing. A game with a simulation interval (the raid) ticks anyway, and its
   * patches keep Colyseus' steady rate.
   */
  protected readonly patchesOnChange: boolean = true;

  protected transcript!: RoomTranscript;
  /** Handlers, journal writes and timers' work under way: the room is filed only after them. */
  protected readonly work = new RoomWork((err) => services().log.error({ err, roomId: this.roomId }, 'room work failed'));
  /** Draws already applied to the game: a reveal and an expiry may both end the same draw. */
  readonly #ended = new Set<number>();
  /** Clients that asked (`follow`) for every record of the room as it is written, to keep its chain: each gets a `record` message for every record it is not told of otherwise. */
  readonly #followers = new Set<PlayerClient>();
  /** Reveal clocks of open draws. Node timers, not the room's clock: that clock ticks only on a patch timer, which a room patching on change has not. */
  readonly #expiries = new Map<number, ReturnType<typeof setTimeout>>();
  /** onDispose has begun: no reveal clock is armed from then on (the dispose ends open draws itself), so none outlives a dispose that fails. */
  #disposing = false;
  #patches: PatchOnChange | undefined;

  static override async onAuth(token: string, options: unknown, request: object): Promise<PlayerAuth> {
    const player = await authenticateRequest(token, request);
    await limitRoomCreation(player.address, options, request);
    // The address's first join brings its starting bonus, if the sybil gate allows (docs/economy.md).
    await bonusAtJoin(player, request);
    return player;
  }

  // --- what a game fills in ---

  /** After the transcript is open: register the game's messages, start its timers. */
  protected abstract setUp(): void | Promise<void>;
  /** A player took a seat (`returning` when they were here before, e.g. a reconnect). */
  protected playerJoined(_client: PlayerClient, _returning: boolean): void | Promise<void> {}
  /** A player's connection dropped (they may come back within the grace) or they left. */
  protected playerAway(_address: string, _left: boolean): void {}
  /** Every seed of the draw is in: by default the draw is settled at once. */
  protected allRevealed(receipt: ReceiptRecord): Promise<void> {
    return this.settleDraw(receipt.drawSeq);
  }
  /** A draw's outcome is recorded and its effects durable; the players hear of it next. */
  protected drawSettled(_outcome: OutcomeMessage, _receipt: ReceiptRecord): void | Promise<void> {}
  /** A draw was voided (`missing`: the players whose seeds never came) and its effects (a refund) durable; the players hear of it next. */
  protected drawVoided(_receipt: ReceiptRecord, _missing: readonly string[]): void {}
  /** Before the room settles its open draws and is filed: stop the game's timers. */
  protected tearDown(): void {}

  // --- the lifecycle ---

  override async onCreate(): Promise<void> {
    const { config } = services();
    this.maxClients = this.rules.maxClients;
    this.maxMessagesPerSecond = config.maxMessagesPerSecond;
    if (this.patchesOnChange) this.#patches = patchOnChange(this, this.state);
    try {
      await this.#createRoom();
    } catch (e) {
      // Colyseus discards a room whose onCreate failed without disposing it: unhook it here.
      this.#patches?.stop();
      throw e;
    }
  }

  /** The rest of onCreate, once the room patches on change: the transcript, the messages, the game's set-up. */
  async #createRoom(): Promise<void> {
    const { rooms } = services();
    this.transcript = await rooms.open(this.roomId);
    // Messages are checked with zod inside the handlers rather than with Colyseus' validate(),
    // which disconnects the sender: a player with a malformed message gets an error and plays on.
    this.on('reveal', RevealMessage, (client, m) => this.#reveal(client, m.drawSeq, m.seed));
    // A page keeps the room's whole chain: without every record it must fetch the transcript at each gap.
    this.on('follow', z.strictObject({}), (client) => void this.#followers.add(client));
    // The server's clock for display (reveal deadlines), on request: a clock in the state would
    // change it, and so patch every room, for ever.
    this.on('clock', z.strictObject({}), (client) => client.send('clock', { serverTime: performance.timeOrigin + performance.now() }));
    this.transcript.onDurable((record) => {
      for (const c of this.#followers) if (!this.#toldOf(record, c)) c.send('record', record);
    });
    this.onMessage('*', (client, type) => this.refuse(client, new Refusal('unknown-message', `no message type "${String(type)}" in ${this.rules.id}`)));
    await this.setUp();
  }

  override async onJoin(client: PlayerClient): Promise<void> {
    await claimSeat({ game: this.rules.id, stakesChips: this.stakesChips }, this.roomId, client);
    const returning = this.clients.some((c) => c !== client && c.auth?.address === addressOf(client));
    await this.playerJoined(client, returning);
  }

  override async onDrop(client: PlayerClient, code?: number): Promise<void> {
    this.#followers.delete(client);
    this.playerAway(addressOf(client), false);
    // A client cut off for flooding or bad frames does not keep a reserved seat.
    if (code === KICKED) return;
    await this.allowReconnection(client, services().config.reconnectGraceSeconds).catch(() => undefined);
  }

  override async onReconnect(client: PlayerClient): Promise<void> {
    await this.playerJoined(client, true);
  }

  override async onLeave(client: PlayerClient): Promise<void> {
    this.#followers.delete(client);
    this.playerAway(addressOf(client), true);
    // The player's stakes must be committed before the seat frees: another process may seat
    // them next, and reads this process's chips from the database, not from memory.
    await this.work.settled();
    await releaseSeat({ game: this.rules.id, stakesChips: this.stakesChips }, this.roomId, client);
  }

  override async onDispose(): Promise<void> {
    this.#disposing = true;
    try {
      await this.#dispose();
    } finally {
      // Again: a dispose that failed part-way must leave no timer holding the room in memory.
      this.#clearTimers();
    }
  }

  /** No client is left to hear a patch, and open draws are ended by the dispose rather than by their clocks. */
  #clearTimers(): void {
    this.#patches?.stop();
    for (const timer of this.#expiries.values()) clearTimeout(timer);
    this.#expiries.clear();
  }

  async #dispose(): Promise<void> {
    this.tearDown();
    this.#clearTimers();
    // A draw whose record is written but whose effects are not would be lost if the room were
    // filed now (recovery only re-reads rooms left open): let every handler finish first.
    await this.work.settled();
    // Read afresh after every wait: draws whose proofs were under way settle in the meantime.
    for (let draw = this.transcript.pendingDraws()[0]; draw; draw = this.transcript.pendingDraws()[0])
      await this.concludeDraw(draw.receipt, 'room-closed');
    await this.work.settled();
    // An effect whose write failed (the database out of reach past its wait) is applied again from
    // the records before the room is filed, since recovery reads only rooms left open; if that
    // fails too, the room stays open and the next start settles it.
    if (this.work.failures > 0) await reapplyEffects(services(), await this.transcript.readRecords());
    await services().rooms.finish(this.transcript);
  }

  // --- what a game calls ---

  /**
   * Registers a message: checked against `schema`, then handled. A Refusal (thrown or rejected)
   * answers the sender with its code; anything else is logged and answered `internal`.
   */
  protected on<T extends z.ZodType>(type: string, schema: T, handler: (client: PlayerClient, message: z.output<T>) => void | Promise<void>): void {
    this.onMessage(type, (client: PlayerClient, raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return this.refuse(client, new Refusal('bad-message', describe(parsed.error)));
      let result: void | Promise<void>;
      try {
        result = handler(client, parsed.data);
      } catch (e) {
        return this.#failed(client, e);
      }
      if (result) this.work.track(result.catch((e: unknown) => this.#failed(client, e)));
    });
  }

  protected refuse(client: PlayerClient, refusal: Refusal): void {
    client.send('error', { code: refusal.code, message: refusal.message, ...refusal.extra });
  }

  /**
   * The client's authorisation of a draw of this game (FAIRNESS.md section 5a), or a Refusal
   * `bad-authorization`: `signature` must sign the DrawRequest of exactly this kind, action and
   * commitment in this room under the game's served rules, by the session key the client's
   * sign-in delegated to (the receipt then carries the delegation) or by the player's address
   * itself. The delegation was checked at sign-in as a verifier checks it, so one recovery here
   * is the verifier's whole check.
   */
  protected authorize(client: PlayerClient, draw: { kind: string; action: Record<string, JsonValue>; commitment: string }, authorization: string | undefined): DrawAuthorization {
    const rulesHash = services().fairness.rules[this.rules.id]?.hash ?? '';
    return this.#authorization(client, authorization, () => drawRequestDigest({ roomId: this.roomId, game: this.rules.id, ...draw, rulesHash }));
  }

  /** The client's signature of its next move on a draw (a `DrawMove`), or a Refusal `bad-authorization`. */
  protected authorizeMove(client: PlayerClient, receipt: ReceiptRecord, move: string, authorization: string | undefined): DrawAuthorization {
    const moveIndex = this.transcript.moveCount(receipt.drawSeq);
    return this.#authorization(client, authorization, () => drawMoveDigest({ roomId: this.roomId, drawSeq: receipt.drawSeq, moveIndex, move }));
  }

  #authorization(client: PlayerClient, authorization: string | undefined, digest: () => Uint8Array): DrawAuthorization {
    return playerSignature(client.auth!, authorization, digest);
  }


  /**
   * Signs and journals a receipt (with each player's authorisation, from `authorize`), applies its
   * effects (a stake), tells its players, starts its reveal clock. A commitment used before
   * (under this key, in any room) is refused as `commitment-used`, naming it, and nothing is opened.
   */
  protected async openDraw(draw: {
    kind: string;
    action: Record<string, JsonValue>;
    players: readonly { address: string; commitment: string; authorization: DrawAuthorization }[];
  }): Promise<Receipt> {
    let receipt: Receipt;
    try {
      receipt = await this.transcript.receipt({ game: this.rules.id, ...draw });
    } catch (e) {
      if (e instanceof CommitmentUsed) throw new Refusal('commitment-used', e.message, { commitment: e.commitment });
      // Named by its commitments, as a used commitment is: the player's seed stays unused and theirs.
      if (e instanceof OverCourtLimit)
        throw new Refusal('over-court-limit', e.message, { maxPayout: e.maxPayout, limit: e.limit, commitment: draw.players.map((p) => p.commitment).join(',') });
      if (e instanceof KeyNotInForce) throw new Refusal('key-not-in-force', e.message, { commitment: draw.players.map((p) => p.commitment).join(',') });
      throw e;
    }
    const effects = applyRecordEffects(services(), receipt, receipt);
    this.work.track(effects.chips);
    this.work.track(effects.awards);
    // Once the room is disposing, its dispose ends this draw with the other open ones (it reads the pending draws afresh).
    if (!this.#disposing) {
      const expiry = setTimeout(() => {
        this.#expiries.delete(receipt.drawSeq);
        this.work.track(this.#expire(receipt));
      }, this.revealTimeoutMs);
      // A reveal clock alone does not keep the process alive (a shutdown ends open draws itself).
      expiry.unref();
      this.#expiries.set(receipt.drawSeq, expiry);
    }
    this.tell(receipt, 'receipt', receipt);
    return receipt;
  }

  /** Proves and records a fully revealed draw, applies its effects, then tells its players. Once per draw. */
  protected async settleDraw(drawSeq: number): Promise<void> {
    const receipt = this.transcript.receiptOf(drawSeq);
    if (!receipt || this.#ended.has(drawSeq)) return;
    const outcome = await this.transcript.settle(drawSeq);
    if (this.#ended.has(drawSeq)) return;
    this.#end(drawSeq);
    await this.#applyEffects({ ...outcome.record, hash: outcome.recordHash }, receipt);
    await this.drawSettled(outcome, receipt);
    this.tell(receipt, 'outcome', outcome);
  }

  /** Journals a player's move on a pending draw, applies its effects (a doubled stake), then tells the draw's players. */
  protected async recordMove(receipt: ReceiptRecord, player: string, move: string, authorization: DrawAuthorization): Promise<HashedRecord> {
    const record = await this.transcript.move(receipt.drawSeq, player, move, authorization);
    const effects = applyRecordEffects(services(), record, receipt);
    this.work.track(effects.chips);
    await effects.awards;
    this.tell(receipt, 'move', record);
    return record;
  }

  /**
   * Ends a pending draw: settled if every seed is in (its outcome is already fixed), else voided,
   * the void naming the players whose seeds never came by their place in the receipt's `players`.
   */
  protected async concludeDraw(receipt: ReceiptRecord, reason: VoidReason): Promise<void> {
    const pending = this.transcript.pendingDraws().find((d) => d.receipt.drawSeq === receipt.drawSeq);
    if (!pending) return;
    if (pending.missing.length === 0) return this.settleDraw(receipt.drawSeq);
    const record = await this.transcript.conclude(receipt.drawSeq, reason);
    if (this.#ended.has(receipt.drawSeq)) return;
    this.#end(receipt.drawSeq);
    await this.#applyEffects(record, receipt);
    this.drawVoided(receipt, pending.missing);
    this.tell(receipt, 'void', { drawSeq: receipt.drawSeq, reason, record });
  }

  /** Sends a draw's news to whoever the game says hears of it. */
  protected tell(receipt: ReceiptRecord, type: string, message: unknown): void {
    if (this.drawNews === 'room') return this.broadcast(type, message);
    const players = new Set(receipt.players.map((p) => p.toLowerCase()));
    for (const c of this.clients) if (players.has(addressOf(c).toLowerCase())) c.send(type, message);
  }

  // --- inside ---

  /**
   * Marks a draw ended. A draw the transcript no longer has a receipt for (neither pending nor
   * among its recently settled) cannot be settled or concluded again, so its mark is dropped:
   * the set stays as small as those, not as long as the room's history.
   */
  #end(drawSeq: number): void {
    clearTimeout(this.#expiries.get(drawSeq));
    this.#expiries.delete(drawSeq);
    this.#ended.add(drawSeq);
    if (this.#ended.size > ENDED_KEPT) for (const seq of this.#ended) if (!this.transcript.receiptOf(seq)) this.#ended.delete(seq);
  }

  /** Whether the client hears of this record anyway (as a receipt, move, outcome or void of a draw it is told of). */
  #toldOf(record: HashedRecord, client: PlayerClient): boolean {
    if (record.type === 'close') return false;
    if (this.drawNews === 'room') return true;
    const me = addressOf(client).toLowerCase();
    return this.transcript.receiptOf(record.drawSeq)?.players.some((p) => p.toLowerCase() === me) ?? false;
  }

  async #reveal(client: PlayerClient, drawSeq: number, seed: string): Promise<void> {
    if (voidsRevealedDraws()) return this.#voidRevealed(client, drawSeq, seed);
    let complete: boolean;
    try {
      complete = await this.transcript.reveal(drawSeq, addressOf(client), seed);
    } catch (e) {
      if (e instanceof RevealError) throw new Refusal(`reveal-${e.code}`, e.message, { drawSeq });
      throw e;
    }
    // Taken while the draw is pending: once settled, only a few recent receipts stay in memory.
    const receipt = this.transcript.receiptOf(drawSeq);
    if (complete && receipt) await this.allRevealed(receipt);
  }

  /**
   * Test switch only (FAIRPLAY_TEST_WITHHOLD=void-revealed, server/court/test-withhold.ts): plays
   * a cheating operator who takes a good seed and voids the draw as if it never came.
   */
  async #voidRevealed(client: PlayerClient, drawSeq: number, seed: string): Promise<void> {
    const receipt = this.transcript.receiptOf(drawSeq);
    const index = receipt?.players.findIndex((p) => p.toLowerCase() === addressOf(client).toLowerCase()) ?? -1;
    if (!receipt || index < 0 || seedCommitment(seed) !== receipt.commitments[index]) throw new Refusal('reveal-mismatch', 'not a seed of a pending draw of yours', { drawSeq });
    await this.concludeDraw(receipt, 'reveal-timeout');
  }

  async #expire(receipt: ReceiptRecord): Promise<void> {
    try {
      await this.concludeDraw(receipt, 'reveal-timeout');
    } catch (err) {
      services().log.error({ err, roomId: this.roomId, drawSeq: receipt.drawSeq }, 'could not end an expired draw');
    }
  }

  // Chip entries follow from the room's own records, which are durable before anyone hears of
  // them, and recovery re-applies every record of a room left open: the room need not wait for
  // the chip ledger's database write on each draw, only before it is filed. Awards are durable before the news.
  async #applyEffects(record: HashedRecord, receipt: ReceiptRecord): Promise<void> {
    const { chips, awards } = applyRecordEffects(services(), record, receipt);
    this.work.track(chips);
    await awards;
  }

  #failed(client: PlayerClient, e: unknown): void {
    if (e instanceof Refusal) return this.refuse(client, e);
    services().log.error({ err: e, roomId: this.roomId }, `${this.rules.id} handler failed`);
    this.refuse(client, new Refusal('internal', 'the server could not complete this request'));
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
}
