/**
 * Treasure raid on the server: up to 8 players move on a tile map in real time and open chests.
 * Each round, every present player commits to a seed and the chests' tiles are one draw over all
 * their seeds (no one, the server included, can place them); opening a chest is a draw of its
 * opener whose beta picks the loot from the published table: bonus chips (a `grant` entry, which
 * the bonus rule never lets leave as coins) or an item, which becomes a token award.
 * Movement is the server's: clients send a direction, the room steps everyone at a fixed rate
 * with the published speed and walls.
 * @module
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import { z } from 'zod';
import { awardId } from '../../server/awards/award-sink.ts';
import type { OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import { addressOf, AuthorizationSchema, GameRoom, Hex32Schema, Refusal, type PlayerClient } from '../../server/rooms/game-room.ts';
import { NO_EFFECTS, sourceOf, type RecordEffects, type ServerGame } from '../../server/rooms/server-game.ts';
import { services } from '../../server/services.ts';
import type { DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { UNITS_PER_CHIP } from '../chips.ts';
import { CHESTS_PER_ROUND, CHIPS_LOOT, FREE_TILES, LootActionSchema, raid, RAID_LOOT_MAPPING, RAID_REACH, stepPlayer, type LootResult } from './rules.ts';

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

const MoveMessage = z.strictObject({ dx: z.number().min(-1).max(1), dy: z.number().min(-1).max(1) });
/** Each carries the player's signature of the draw request: chests `{round, count}`, loot `{round, chest, table}`. */
const CommitMessage = z.strictObject({ round: z.number().int().min(0), commitment: Hex32Schema, authorization: AuthorizationSchema });
const OpenMessage = z.strictObject({ chest: z.number().int().min(0), commitment: Hex32Schema, authorization: AuthorizationSchema });

const TICK_MS = 50;
const COMMIT_MS = 5_000;
/** Every round's chest draw waits this long for players who are just joining. */
const COUNTDOWN_MS = 2_000;
const REVEAL_MS = 10_000;
const SCORES_MS = 5_000;
/** Points per find: chips count their amount, items their rarity. */
const POINTS: Readonly<Record<string, number>> = { common: 0, uncommon: 50, rare: 100, legendary: 500 };

const roundOf = (receipt: ReceiptRecord): number => (receipt.action as { round: number }).round;

class RaidRoom extends GameRoom<RaidStateType> {
  protected override readonly rules = raid;
  protected override readonly drawNews = 'room';
  protected override readonly revealTimeoutMs = REVEAL_MS;
  /** The simulation ticks 20 times a second anyway: patches keep Colyseus' timer. */
  protected override readonly patchesOnChange = false;
  override state = new RaidState();
  readonly #dirs = new Map<string, { dx: number; dy: number }>();
  readonly #commits = new Map<string, { commitment: string; authorization: DrawAuthorization }>();
  #chestDraw: number | undefined;
  /** Players whose seed the last chest draw never got: left out of the redraw, so one player cannot stall the room. */
  #benched = new Set<string>();
  #countdownEnds = 0;
  #phaseTimer: { clear(): void } | undefined;

  protected override setUp(): void {
    this.setSimulationInterval((dt) => this.#tick(dt), TICK_MS);
    this.on('move', MoveMessage, (client, m) => void this.#dirs.set(addressOf(client), m));
    this.on('commit', CommitMessage, (client, m) => this.#commit(client, m));
    this.on('open', OpenMessage, (client, m) => this.#open(client, m));
  }

  protected override playerJoined(client: PlayerClient): void {
    const address = addressOf(client);
    const player = this.state.players.get(address) ?? new RaidPlayer();
    if (!this.state.players.has(address)) {
      const [x, y] = FREE_TILES[(this.state.players.size * 37 + 5) % FREE_TILES.length]!;
      Object.assign(player, { address, x: x + 0.5, y: y + 0.5 });
      this.state.players.set(address, player);
    }
    player.connected = true;
    // Everyone may have dropped meanwhile, leaving the room waiting.
    if (this.state.phase === 'waiting') this.#startRound();
    else if (this.state.phase === 'placing' && this.#chestDraw === undefined) client.send('commit-request', { round: this.state.round });
  }

  protected override playerAway(address: string, left: boolean): void {
    const player = this.state.players.get(address);
    if (player) player.connected = false;
    this.#dirs.delete(address);
    if (left && !this.clients.some((c) => c.auth?.address === address)) this.state.players.delete(address);
  }

  protected override tearDown(): void {
    this.#phaseTimer?.clear();
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

  #phase(phase: string, ms: number, then?: () => void): void {
    this.#phaseTimer?.clear();
    this.state.phase = phase;
    this.state.phaseEndsAt = Date.now() + ms;
    this.#phaseTimer = then ? this.clock.setTimeout(then, ms) : undefined;
  }

  /** A new round: chests cleared, every present player asked for a commitment. */
  #startRound(): void {
    if (this.clients.length === 0) return void (this.state.phase = 'waiting');
    this.state.round++;
    this.state.chests.clear();
    this.#commits.clear();
    this.#chestDraw = undefined;
    this.#phase('placing', COMMIT_MS, () => this.work.track(this.#placeChests()));
    this.#countdownEnds = Date.now() + COUNTDOWN_MS;
    this.clock.setTimeout(() => this.#placeIfAllCommitted(), COUNTDOWN_MS);
    this.broadcast('commit-request', { round: this.state.round });
  }

  /** After the countdown, the draw need not wait out the commit window once everyone is in. */
  #placeIfAllCommitted(): void {
    if (Date.now() < this.#countdownEnds || this.clients.length === 0) return;
    if (this.clients.every((c) => this.#commits.has(addressOf(c)))) this.work.track(this.#placeChests());
  }

  #commit(client: PlayerClient, m: z.output<typeof CommitMessage>): void {
    if (this.state.phase !== 'placing' || m.round !== this.state.round || this.#chestDraw !== undefined)
      throw new Refusal('not-now', `round ${m.round} takes no commitments now`, { round: m.round });
    const authorization = this.authorize(client, { kind: 'chests', action: { round: m.round, count: CHESTS_PER_ROUND }, commitment: m.commitment }, m.authorization);
    this.#commits.set(addressOf(client), { commitment: m.commitment, authorization });
    this.#placeIfAllCommitted();
  }

  /** The chest draw over every commitment in; without any, the round starts over. */
  async #placeChests(): Promise<void> {
    if (this.#chestDraw !== undefined || this.state.phase !== 'placing') return;
    // Only players still here: one who left would never reveal, and the draw would be voided.
    // Nor one who withheld the seed of the last chest draw: the redraw goes on without them.
    const present = new Set(this.clients.map(addressOf));
    const players = [...this.#commits]
      .filter(([address]) => present.has(address) && !this.#benched.has(address.toLowerCase()))
      .map(([address, commit]) => ({ address, ...commit }));
    this.#benched.clear();
    if (players.length === 0) return this.#startRound();
    this.#chestDraw = -1;
    let receipt: ReceiptRecord;
    try {
      receipt = await this.openDraw({ kind: 'chests', action: { round: this.state.round, count: CHESTS_PER_ROUND }, players });
    } catch (e) {
      if (!(e instanceof Refusal && e.code === 'commitment-used')) throw e;
      // A commitment used before: the draw goes on without whoever sent it, who is told why.
      this.#chestDraw = undefined;
      for (const p of players.filter((p) => p.commitment === e.extra['commitment'])) {
        this.#commits.delete(p.address);
        for (const c of this.clients) if (addressOf(c) === p.address) this.refuse(c, e);
      }
      return this.#placeChests();
    }
    this.#chestDraw = receipt.drawSeq;
    this.#phase('placing', REVEAL_MS);
  }

  async #open(client: PlayerClient, m: z.output<typeof OpenMessage>): Promise<void> {
    const address = addressOf(client);
    const chest = this.state.chests.find((c) => c.id === m.chest);
    const me = this.state.players.get(address);
    if (this.state.phase !== 'playing' || !chest || !me) throw new Refusal('not-now', 'no such chest to open now');
    if (chest.openedBy || chest.opening) throw new Refusal('chest-taken', `chest ${chest.id} is ${chest.openedBy ? 'open' : 'being opened'}`);
    if (Math.hypot(me.x - (chest.x + 0.5), me.y - (chest.y + 0.5)) > RAID_REACH) throw new Refusal('too-far', `stand within ${RAID_REACH} tiles of the chest`);
    const action = { round: this.state.round, chest: chest.id, table: RAID_LOOT_MAPPING };
    const authorization = this.authorize(client, { kind: 'loot', action, commitment: m.commitment }, m.authorization);
    chest.opening = address;
    try {
      await this.openDraw({ kind: 'loot', action, players: [{ address, commitment: m.commitment, authorization }] });
    } catch (e) {
      chest.opening = '';
      throw e;
    }
  }

  /** Applies an outcome to the game: the awards are durable by now, the news goes out next. */
  protected override drawSettled(outcome: OutcomeMessage, receipt: ReceiptRecord): void {
    const current = roundOf(receipt) === this.state.round;
    if (receipt.kind === 'chests') {
      const tiles = (outcome.record.result as { tiles: [number, number][] }).tiles;
      if (receipt.drawSeq === this.#chestDraw && current) {
        tiles.forEach(([x, y], id) => this.state.chests.push(new Chest({ id, x, y })));
        this.#phase('playing', services().config.raidRoundSeconds * 1000, () => this.#endRound());
      }
      return;
    }
    const loot = outcome.record.result as LootResult;
    // A loot draw of an earlier round (revealed late) still awards its loot, but this round's chests are not its.
    const chest = current ? this.state.chests.find((c) => c.id === (receipt.action as { chest: number }).chest) : undefined;
    const player = this.state.players.get(receipt.players[0]!);
    if (chest) Object.assign(chest, { openedBy: receipt.players[0]!, opening: '', loot: loot.item });
    if (player) {
      player.finds.push(loot.item);
      player.score += loot.item === CHIPS_LOOT ? loot.amount : (POINTS[loot.rarity] ?? 0);
    }
    if (current && this.state.chests.every((c) => c.openedBy)) this.#endRound();
  }

  /** A voided chest draw starts the round over without the players who withheld their seeds; a voided loot draw frees its chest. */
  protected override drawVoided(receipt: ReceiptRecord, missing: readonly string[]): void {
    const current = roundOf(receipt) === this.state.round;
    if (receipt.kind === 'chests') {
      if (this.state.phase === 'placing' && this.#chestDraw === receipt.drawSeq) {
        this.#benched = new Set(missing.map((a) => a.toLowerCase()));
        this.#startRound();
      }
      return;
    }
    const chest = current ? this.state.chests.find((c) => c.id === (receipt.action as { chest: number }).chest) : undefined;
    if (chest && !chest.openedBy && chest.opening === receipt.players[0]) chest.opening = '';
  }

  #endRound(): void {
    if (this.state.phase !== 'playing') return;
    this.#phase('scores', SCORES_MS, () => this.#startRound());
  }
}

/**
 * A chest's loot goes to the player who opened it: chips as a bonus grant (`<room>/<draw>/loot`:
 * played, never cashed out, and they raise the wagering requirement as the starting bonus does),
 * an item as an award of its token. Nothing else moves chips or awards.
 */
function raidEffects(record: HashedRecord, receipt: ReceiptRecord): RecordEffects {
  if (record.type !== 'outcome' || receipt.kind !== 'loot') return NO_EFFECTS;
  LootActionSchema.parse(receipt.action);
  const { item, tokenId, amount } = record.result as LootResult;
  const player = receipt.players[0]!;
  if (item === CHIPS_LOOT)
    return { chips: [{ ref: `${record.roomId}/${record.drawSeq}/loot`, address: player, delta: amount * UNITS_PER_CHIP, reason: 'grant' }], awards: [] };
  if (tokenId === undefined) throw new Error(`loot ${item} of draw ${record.drawSeq} names no token`);
  const source = sourceOf(record);
  return { chips: [], awards: [{ awardId: awardId(source, 0), player, tokenId, amount, source }] };
}

export default {
  rules: raid,
  room: RaidRoom,
  effects: raidEffects,
  terms: (config) => ({ roundSeconds: config.raidRoundSeconds, chestsPerRound: CHESTS_PER_ROUND, revealSeconds: REVEAL_MS / 1000 }),
} satisfies ServerGame;
