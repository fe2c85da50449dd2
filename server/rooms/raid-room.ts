/**
 * Treasure raid: up to 8 players move on a tile map in real time and open chests. Game rules
 * only; fairness, awards and sign-in are services. Each round, every present player commits to
 * a seed and the chests' tiles are one draw over all their seeds (no one, the server included,
 * can place them); opening a chest is a draw of its opener whose beta picks the loot from the
 * published table, and the loot becomes a token award. Movement is the server's: clients send a
 * direction, the room steps everyone at a fixed rate with the published speed and walls.
 * @module
 */
import { Room, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';
import { z } from 'zod';
import { FREE_TILES, LOOT_TABLE, RAID_LOOT_MAPPING, RAID_REACH, stepPlayer, type lootOutcome } from '../../games/raid/rules.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { authenticatePlayer, claimSeat, releaseSeat, type PlayerAuth } from '../auth/room-auth.ts';
import { RevealError, type OutcomeMessage, type RoomTranscript } from '../fairness/room-transcript.ts';
import { applyRecordEffects } from '../games/record-effects.ts';
import { services } from '../services.ts';
import { RoomWork } from './room-work.ts';

const RaidPlayer = schema(
  { address: t.string(), x: t.float32(), y: t.float32(), score: t.number().default(0), finds: t.array('string'), connected: t.boolean().default(true) },
  'RaidPlayer',
);
const Chest = schema({ id: t.number(), x: t.number(), y: t.number(), openedBy: t.string().default(''), opening: t.string().default(''), loot: t.string().default('') }, 'Chest');
export const RaidState = schema(
  {
    players: t.map(RaidPlayer),
    chests: t.array(Chest),
    round: t.number().default(0),
    /** waiting (no players), placing (chest draw under way), playing, scores (between rounds) */
    phase: t.string().default('waiting'),
    phaseEndsAt: t.float64().default(0),
    serverTime: t.float64().default(0),
  },
  'RaidState',
);
type RaidStateType = SchemaType<typeof RaidState>;

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, '32 bytes of hex');
const MoveMessage = z.strictObject({ dx: z.number().min(-1).max(1), dy: z.number().min(-1).max(1) });
const CommitMessage = z.strictObject({ round: z.number().int().min(0), commitment: hex32 });
const OpenMessage = z.strictObject({ chest: z.number().int().min(0), commitment: hex32 });
const RevealMessage = z.strictObject({ drawSeq: z.number().int().min(0), seed: hex32 });

export const CHESTS_PER_ROUND = 6;
const TICK_MS = 50;
const COMMIT_MS = 5_000;
/** Every round's chest draw waits this long for players who are just joining. */
const COUNTDOWN_MS = 2_000;
const REVEAL_MS = 10_000;
const SCORES_MS = 5_000;
const KICKED = 4002;
/** Points per find: coins count their amount, items their rarity. */
const POINTS: Readonly<Record<string, number>> = { common: 0, uncommon: 50, rare: 100, legendary: 500 };

type RaidClient = Client<{ auth: PlayerAuth }>;
const addressOf = (client: RaidClient): string => client.auth!.address;
const strip = (hex: string) => hex.replace(/^0x/, '').toLowerCase();

export class RaidRoom extends Room<{ state: RaidStateType; client: RaidClient }> {
  override maxClients = 8;
  override state = new RaidState();
  #transcript!: RoomTranscript;
  readonly #dirs = new Map<string, { dx: number; dy: number }>();
  readonly #commits = new Map<string, string>();
  readonly #work = new RoomWork((err) => services().log.error({ err, roomId: this.roomId }, 'room work failed'));
  #chestDraw: number | undefined;
  #countdownEnds = 0;
  /** Draws already applied to the game: a reveal and an expiry may both settle the same draw. */
  readonly #settledDraws = new Set<number>();
  #phaseTimer: { clear(): void } | undefined;

  static override onAuth(token: string): Promise<PlayerAuth> {
    return authenticatePlayer(token);
  }

  override async onCreate(): Promise<void> {
    this.maxMessagesPerSecond = services().config.maxMessagesPerSecond;
    this.#transcript = await services().rooms.open(this.roomId);
    this.setSimulationInterval((dt) => this.#tick(dt), TICK_MS);
    const on = (type: string, handler: (client: RaidClient, message: unknown) => Promise<void> | void) =>
      this.onMessage(type, (client: RaidClient, message: unknown) => this.#guard(client, () => handler(client, message)));
    on('move', (c, m) => this.#move(c, m));
    on('commit', (c, m) => this.#commit(c, m));
    on('open', (c, m) => this.#open(c, m));
    on('reveal', (c, m) => this.#reveal(c, m));
    this.onMessage('*', (client, type) => this.#refuse(client, 'unknown-message', `no message type "${String(type)}" in raid`));
  }

  override async onJoin(client: RaidClient): Promise<void> {
    await claimSeat('raid', this.roomId, client);
    const address = addressOf(client);
    const player = this.state.players.get(address) ?? new RaidPlayer();
    if (!this.state.players.has(address)) {
      const [x, y] = FREE_TILES[(this.state.players.size * 37 + 5) % FREE_TILES.length]!;
      Object.assign(player, { address, x: x + 0.5, y: y + 0.5 });
      this.state.players.set(address, player);
    }
    player.connected = true;
    if (this.state.phase === 'waiting') this.#startRound();
    else if (this.state.phase === 'placing' && this.#chestDraw === undefined) client.send('commit-request', { round: this.state.round });
  }

  override async onDrop(client: RaidClient, code?: number): Promise<void> {
    const player = this.state.players.get(addressOf(client));
    if (player) player.connected = false;
    this.#dirs.delete(addressOf(client));
    if (code === KICKED) return;
    await this.allowReconnection(client, services().config.reconnectGraceSeconds).catch(() => undefined);
  }

  override onReconnect(client: RaidClient): void {
    const player = this.state.players.get(addressOf(client));
    if (player) player.connected = true;
    // Everyone may have dropped meanwhile, leaving the room waiting.
    if (this.state.phase === 'waiting') this.#startRound();
    else if (this.state.phase === 'placing' && this.#chestDraw === undefined) client.send('commit-request', { round: this.state.round });
  }

  override async onLeave(client: RaidClient): Promise<void> {
    const address = addressOf(client);
    this.#dirs.delete(address);
    if (!this.clients.some((c) => c.auth?.address === address)) this.state.players.delete(address);
    await releaseSeat('raid', this.roomId, client);
  }

  override async onDispose(): Promise<void> {
    this.#phaseTimer?.clear();
    await this.#work.settled();
    for (let draw = this.#transcript.pendingDraws()[0]; draw; draw = this.#transcript.pendingDraws()[0])
      await this.#conclude(draw.receipt, 'the room closed before every seed was revealed');
    await this.#work.settled();
    await services().rooms.finish(this.#transcript);
  }

  #tick(dtMs: number): void {
    this.state.serverTime = performance.timeOrigin + performance.now();
    for (const [address, dir] of this.#dirs) {
      const p = this.state.players.get(address);
      if (!p) continue;
      const next = stepPlayer(p, dir, dtMs / 1000);
      p.x = next.x;
      p.y = next.y;
    }
  }

  #phase(phase: string, ms: number, then: () => void): void {
    this.#phaseTimer?.clear();
    this.state.phase = phase;
    this.state.phaseEndsAt = Date.now() + ms;
    this.#phaseTimer = this.clock.setTimeout(then, ms);
  }

  /** A new round: chests cleared, every present player asked for a commitment. */
  #startRound(): void {
    if (this.clients.length === 0) return void (this.state.phase = 'waiting');
    this.state.round++;
    this.state.chests.clear();
    this.#commits.clear();
    this.#chestDraw = undefined;
    this.#phase('placing', COMMIT_MS, () => this.#work.track(this.#placeChests()));
    this.#countdownEnds = Date.now() + COUNTDOWN_MS;
    this.clock.setTimeout(() => this.#placeIfAllCommitted(), COUNTDOWN_MS);
    this.broadcast('commit-request', { round: this.state.round });
  }

  /** After the countdown, the draw need not wait out the commit window once everyone is in. */
  #placeIfAllCommitted(): void {
    if (Date.now() < this.#countdownEnds || this.clients.length === 0) return;
    if (this.clients.every((c) => this.#commits.has(addressOf(c)))) this.#work.track(this.#placeChests());
  }

  #commit(client: RaidClient, message: unknown): void {
    const m = CommitMessage.safeParse(message);
    if (!m.success) return this.#refuse(client, 'bad-message', m.error.issues[0]?.message ?? 'bad commit');
    if (this.state.phase !== 'placing' || m.data.round !== this.state.round || this.#chestDraw !== undefined)
      return this.#refuse(client, 'not-now', `round ${m.data.round} takes no commitments now`, { round: m.data.round });
    this.#commits.set(addressOf(client), strip(m.data.commitment));
    this.#placeIfAllCommitted();
  }

  /** The chest draw over every commitment in; without any, the round starts over. */
  async #placeChests(): Promise<void> {
    if (this.#chestDraw !== undefined || this.state.phase !== 'placing') return;
    // Only players still here: one who left would never reveal, and the draw would be voided.
    const present = new Set(this.clients.map(addressOf));
    const players = [...this.#commits].filter(([address]) => present.has(address)).map(([address, commitment]) => ({ address, commitment }));
    if (players.length === 0) return this.#startRound();
    this.#chestDraw = -1;
    const receipt = await this.#transcript.receipt({ game: 'raid', kind: 'chests', action: { round: this.state.round, count: CHESTS_PER_ROUND }, players });
    this.#chestDraw = receipt.drawSeq;
    this.broadcast('receipt', receipt);
    this.#phase('placing', REVEAL_MS, () => this.#work.track(this.#expire(receipt, true)));
  }

  #open(client: RaidClient, message: unknown): Promise<void> | void {
    const m = OpenMessage.safeParse(message);
    if (!m.success) return this.#refuse(client, 'bad-message', m.error.issues[0]?.message ?? 'bad open');
    const address = addressOf(client);
    const chest = this.state.chests.find((c) => c.id === m.data.chest);
    const me = this.state.players.get(address);
    if (this.state.phase !== 'playing' || !chest || !me) return this.#refuse(client, 'not-now', 'no such chest to open now');
    if (chest.openedBy || chest.opening) return this.#refuse(client, 'chest-taken', `chest ${chest.id} is ${chest.openedBy ? 'open' : 'being opened'}`);
    if (Math.hypot(me.x - (chest.x + 0.5), me.y - (chest.y + 0.5)) > RAID_REACH) return this.#refuse(client, 'too-far', `stand within ${RAID_REACH} tiles of the chest`);
    chest.opening = address;
    return this.#work.track(
      this.#transcript
        .receipt({ game: 'raid', kind: 'loot', action: { round: this.state.round, chest: chest.id, table: RAID_LOOT_MAPPING }, players: [{ address, commitment: strip(m.data.commitment) }] })
        .then((receipt) => {
          this.broadcast('receipt', receipt);
          this.clock.setTimeout(() => this.#work.track(this.#expire(receipt, false)), REVEAL_MS);
        }, (err: unknown) => ((chest.opening = ''), Promise.reject(err))),
    );
  }

  async #reveal(client: RaidClient, message: unknown): Promise<void> {
    const m = RevealMessage.safeParse(message);
    if (!m.success) return this.#refuse(client, 'bad-message', m.error.issues[0]?.message ?? 'bad reveal');
    try {
      if (!(await this.#transcript.reveal(m.data.drawSeq, addressOf(client), strip(m.data.seed)))) return;
    } catch (e) {
      if (e instanceof RevealError) return this.#refuse(client, `reveal-${e.code}`, e.message);
      throw e;
    }
    const outcome = await this.#transcript.settle(m.data.drawSeq);
    await this.#settled(outcome);
  }

  /** Applies an outcome to the game, awards first: loot is durable before anyone sees it. */
  async #settled(outcome: OutcomeMessage): Promise<void> {
    if (this.#settledDraws.has(outcome.record.drawSeq)) return;
    this.#settledDraws.add(outcome.record.drawSeq);
    const receipt = this.#transcript.receiptOf(outcome.record.drawSeq)!;
    const current = (receipt.action as { round: number }).round === this.state.round;
    await applyRecordEffects(services(), { ...outcome.record, hash: outcome.recordHash }, receipt).awards;
    if (receipt.kind === 'chests') {
      const tiles = (outcome.record.result as { tiles: [number, number][] }).tiles;
      if (receipt.drawSeq === this.#chestDraw && current) {
        tiles.forEach(([x, y], id) => this.state.chests.push(new Chest({ id, x, y })));
        this.#phase('playing', services().config.raidRoundSeconds * 1000, () => this.#endRound());
      }
    } else {
      const loot = outcome.record.result as ReturnType<typeof lootOutcome>;
      // A loot draw of an earlier round (revealed late) still awards its loot, but this round's chests are not its.
      const chest = current ? this.state.chests.find((c) => c.id === (receipt.action as { chest: number }).chest) : undefined;
      const player = this.state.players.get(receipt.players[0]!);
      if (chest) Object.assign(chest, { openedBy: receipt.players[0]!, opening: '', loot: loot.item });
      if (player) {
        player.finds.push(loot.item);
        player.score += loot.tokenId === LOOT_TABLE[0].tokenId ? loot.amount : (POINTS[loot.rarity] ?? 0);
      }
      if (current && this.state.chests.every((c) => c.openedBy)) this.#endRound();
    }
    this.broadcast('outcome', outcome);
  }

  #endRound(): void {
    if (this.state.phase !== 'playing') return;
    this.#phase('scores', SCORES_MS, () => this.#startRound());
  }

  async #expire(receipt: ReceiptRecord & { hash: string }, chests: boolean): Promise<void> {
    if (!this.#transcript.pendingDraws().some((d) => d.receipt.drawSeq === receipt.drawSeq)) return;
    await this.#conclude(receipt, 'not every seed was revealed in time');
    if (chests && this.state.phase === 'placing' && this.#chestDraw === receipt.drawSeq) this.#startRound();
  }

  /** Ends a pending draw: settled if every seed is in, else voided (a chest becomes free again). */
  async #conclude(receipt: ReceiptRecord, reason: string): Promise<void> {
    const pending = this.#transcript.pendingDraws().find((d) => d.receipt.drawSeq === receipt.drawSeq);
    if (pending && pending.revealed === receipt.players.length) return this.#settled(await this.#transcript.settle(receipt.drawSeq));
    const record: HashedRecord = await this.#transcript.conclude(receipt.drawSeq, reason);
    await applyRecordEffects(services(), record, receipt).awards;
    const current = (receipt.action as { round: number }).round === this.state.round;
    const chest = this.state.chests.find((c) => current && receipt.kind === 'loot' && c.id === (receipt.action as { chest: number }).chest);
    if (chest && !chest.openedBy && chest.opening === receipt.players[0]) chest.opening = '';
    this.broadcast('void', { drawSeq: receipt.drawSeq, reason, record });
  }

  #move(client: RaidClient, message: unknown): void {
    const m = MoveMessage.safeParse(message);
    if (!m.success) return this.#refuse(client, 'bad-message', m.error.issues[0]?.message ?? 'bad move');
    this.#dirs.set(addressOf(client), m.data);
  }


  #guard(client: RaidClient, handler: () => Promise<void> | void): void {
    try {
      const result = handler();
      if (result) this.#work.track(result);
    } catch (err) {
      services().log.error({ err, roomId: this.roomId }, 'raid handler failed');
      this.#refuse(client, 'server-error', 'the server could not handle this message');
    }
  }

  #refuse(client: RaidClient, code: string, message: string, extra: Record<string, number> = {}): void {
    client.send('error', { code, message, ...extra });
  }
}
