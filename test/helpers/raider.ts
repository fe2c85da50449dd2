/**
 * A treasure-raid player for tests: signs in (delegating to a session key that signs every
 * commitment and chest opening: protocol v2), answers commitment requests and reveals its seeds,
 * walks along the shortest tile path to a chest (steering the way a player's keys would), opens
 * it, and keeps every message the room sent.
 */
import { Client, type Room } from '@colyseus/sdk';
import { Wallet, type HDNodeWallet } from 'ethers';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { CHESTS_PER_ROUND, isWall, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { authorize, sessionSignIn } from './player.ts';
import { waitFor } from './wait-for.ts';

export interface RaidView {
  phase: string;
  round: number;
  players: Map<string, { x: number; y: number; score: number; finds: string[] }>;
  chests: { id: number; x: number; y: number; openedBy: string; opening: string; loot: string }[];
}

export class Raider {
  readonly messages: { type: string; body: any }[] = [];
  readonly #seeds = new Map<string, string>(); // commitment -> seed
  /** Reveal loot draws at once. */
  autoReveal = true;
  /** Reveal chest draws at once (false: a player who withholds, to veto the placement). */
  revealChests = true;

  private constructor(
    readonly wallet: Wallet | HDNodeWallet,
    readonly room: Room,
    readonly sessionKey: HDNodeWallet,
  ) {
    for (const type of ['commit-request', 'receipt', 'outcome', 'void', 'error']) room.onMessage(type, (body) => this.#on(type, body));
  }

  static async join(baseUrl: string, roomId?: string): Promise<Raider> {
    const wallet = Wallet.createRandom();
    const client = new Client(baseUrl);
    const { token, sessionKey } = await sessionSignIn(baseUrl, wallet);
    client.auth.token = token;
    return new Raider(wallet, roomId ? await client.joinById(roomId) : await client.create('raid'), sessionKey);
  }

  get address(): string {
    return this.wallet.address;
  }

  get state(): RaidView {
    return this.room.state as unknown as RaidView;
  }

  #commitment(): string {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    this.#seeds.set(commitment, seed);
    return commitment;
  }

  #on(type: string, body: any): void {
    this.messages.push({ type, body });
    if (type === 'commit-request') void this.#send('commit', { round: body.round }, 'chests', { round: body.round, count: CHESTS_PER_ROUND });
    if (type === 'receipt' && (body.kind === 'chests' ? this.revealChests : this.autoReveal)) this.reveal(body);
  }

  /** Reveals this player's seed for the receipt, if it holds one of this player's commitments. */
  reveal(receipt: { players: string[]; commitments: string[]; drawSeq: number }): void {
    const i = receipt.players.findIndex((p) => p.toLowerCase() === this.address.toLowerCase());
    const seed = i >= 0 ? this.#seeds.get(receipt.commitments[i]!) : undefined;
    if (seed) this.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
  }

  /** Polls `check` until it gives a truthy value (the timeout bounds a hang; it is no speed claim). */
  until<T>(what: string, check: () => T | undefined | false, ms = 30_000): Promise<T> {
    return waitFor(check, { what: `${this.address.slice(0, 8)}: ${what}`, timeout: ms, interval: 20 });
  }

  me(): { x: number; y: number; score: number; finds: string[] } | undefined {
    return this.state.players?.get(this.address);
  }

  /** Walks to the tile next to (or on) the target, along the shortest path of free tiles. */
  async walkTo(tx: number, ty: number): Promise<void> {
    const me = await this.until('my position', () => this.me());
    const path = shortestPath([Math.floor(me.x), Math.floor(me.y)], [tx, ty]);
    for (const [x, y] of path) {
      await this.until(`reaching ${x},${y}`, () => {
        const p = this.me()!;
        const [dx, dy] = [x + 0.5 - p.x, y + 0.5 - p.y];
        const d = Math.hypot(dx, dy);
        if (d < 0.15) return true;
        this.room.send('move', { dx: dx / d, dy: dy / d });
        return false;
      });
    }
    this.room.send('move', { dx: 0, dy: 0 });
  }

  /** Asks to open a chest (the message goes once its draw request is signed). */
  open(chest: number): Promise<void> {
    return this.#send('open', { chest }, 'loot', { round: this.state.round, chest, table: RAID_LOOT_MAPPING });
  }

  /**
   * Walks to the nearest standing chest of the round being played and opens it: its loot draw's
   * outcome, or undefined when the round ended on the way (refused `not-now`: try the next one).
   * Any other refusal fails.
   */
  async openNearest(): Promise<{ recordHash: string; record: { drawSeq: number; result: { item: string; amount: number; tokenId?: number } } } | undefined> {
    const chest = await this.until('a standing chest', () => {
      const me = this.me();
      const closed = this.state.phase === 'playing' && me ? [...this.state.chests].filter((c) => !c.openedBy && !c.opening) : [];
      return closed.sort((p, q) => Math.hypot(p.x - me!.x, p.y - me!.y) - Math.hypot(q.x - me!.x, q.y - me!.y))[0];
    }, 60_000);
    const round = this.state.round;
    await this.walkTo(chest.x, chest.y);
    const count = (type: string) => this.messages.filter((m) => m.type === type).length;
    const [outcomes, errors] = [count('outcome'), count('error')];
    await this.open(chest.id);
    const answer = await this.until(`chest ${chest.id}'s loot`, () => {
      const refused = this.messages.filter((m) => m.type === 'error').slice(errors)[0];
      if (refused?.body.code === 'not-now') return { refused: refused.body };
      if (refused) throw new Error(`opening chest ${chest.id} was refused: ${JSON.stringify(refused.body)}`);
      return this.messages.filter((m) => m.type === 'outcome').slice(outcomes).find((m) => m.body.record.result.item)?.body;
    });
    if ('refused' in answer) return undefined;
    // The outcome message can arrive before the patch that marks the chest open: wait for it, so
    // the next call does not pick the same chest (refused as `chest-taken`).
    await this.until(`chest ${chest.id} shown open`, () => this.state.round !== round || [...this.state.chests].some((c) => c.id === chest.id && c.openedBy));
    return answer;
  }

  /** Sends a draw-opening message with a fresh commitment and the session key's authorisation of the draw. */
  async #send(type: string, body: Record<string, number>, kind: string, action: Record<string, string | number>): Promise<void> {
    const commitment = this.#commitment();
    const authorization = await authorize(this.sessionKey, this.room.roomId, 'raid', kind, action, commitment);
    this.room.send(type, { ...body, commitment, authorization });
  }
}

/** Tiles from `from` to `to` (both included), by breadth-first search over free tiles. */
export function shortestPath(from: [number, number], to: [number, number]): [number, number][] {
  const key = (x: number, y: number) => `${x},${y}`;
  const prev = new Map<string, [number, number] | null>([[key(...from), null]]);
  const queue: [number, number][] = [from];
  while (queue.length) {
    const [x, y] = queue.shift()!;
    if (x === to[0] && y === to[1]) break;
    for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]] as [number, number][])
      if (!isWall(nx, ny) && !prev.has(key(nx, ny))) {
        prev.set(key(nx, ny), [x, y]);
        queue.push([nx, ny]);
      }
  }
  const path: [number, number][] = [];
  for (let at: [number, number] | null | undefined = to; at; at = prev.get(key(...at))) path.unshift(at);
  if (path[0]?.[0] !== from[0] || path[0]?.[1] !== from[1]) throw new Error(`no path from ${from} to ${to}`);
  return path;
}
