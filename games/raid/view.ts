/**
 * The treasure raid in the page: draws the map, moves the player with the keyboard or the touch
 * pad (predicted here with the server's own step function, then pulled towards the server's
 * position) and answers commitment requests. Every record the room sends (anyone's receipt,
 * outcome or void) goes through the room's chain in the verification worker; my receipt is also
 * checked as mine before my seed is revealed. A draw whose receipt came before this page joined
 * is verified from the room's transcript and says so. The map's art is painted by
 * `map-drawing.ts`; every find is logged with its loot icon and announced in one sentence.
 * @module
 */
import type { Room } from '@colyseus/sdk';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { nextSeed } from '../../client/src/seed-source.ts';
import { CHESTS_PER_ROUND, CHIPS_LOOT, lootWords, RAID_LOOT_MAPPING, RAID_REACH, stepPlayer } from './rules.ts';
import type { HashedRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { GameView, GameViewContext } from '../../client/src/game-view.ts';
import { refusalSentence } from '../../client/src/refusal-text.ts';
import type { Verdict } from '../../client/src/live-transcript.ts';
import { historyLine, markRow, receiptNote } from '../../client/src/marks.ts';
import { announce } from '../../client/src/announce.ts';
import { isTypingTarget } from '../play-keys.ts';
import { avatarArt, lootArt } from './art.ts';
import { MapPainter, type AvatarOnMap, type ChestOnMap } from './map-drawing.ts';
import { RAID_MARKUP } from './markup.ts';

interface PlayerView {
  address: string;
  x: number;
  y: number;
  score: number;
  finds: Iterable<string>;
}
interface ChestView extends ChestOnMap {
  id: number;
  loot: string;
}
interface RaidStateView {
  players: Map<string, PlayerView>;
  chests: Iterable<ChestView>;
  round: number;
  phase: string;
  phaseEndsAt: number;
}
type Receipt = ReceiptRecord & { hash: string };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

class RaidView implements GameView {
  #room!: Room;
  readonly #seeds = new Map<string, string>(); // commitment -> seed
  /** What this player asked for under each commitment: the draw kind and action its receipt must carry. */
  readonly #asked = new Map<string, { kind: string; action: Record<string, string | number> }>();
  /** Commitments whose seed this page revealed: never again. */
  readonly #spent = new Set<string>();
  /** Round -> this page's commitment for its chest draw (dropped if the room refused it). */
  readonly #committedRounds = new Map<number, string>();
  readonly #revealedDraws = new Set<number>();
  /** Chest draws that left out this page's commitment. */
  readonly #excluded = new Set<number>();
  #frames = 0;
  readonly #keys = new Set<string>();
  #padDir = { dx: 0, dy: 0 };
  #sentDir = '0,0';
  #me: { x: number; y: number } | undefined;
  readonly #shown = new Map<string, { x: number; y: number }>();
  #frame = 0;
  #last = performance.now();
  #closed = false;
  readonly #painter: MapPainter;

  constructor(private readonly ctx: GameViewContext) {
    ctx.mount.innerHTML = RAID_MARKUP;
    this.#painter = new MapPainter($<HTMLCanvasElement>('raid-map'));
    this.attach(ctx.room);
    const key = (e: KeyboardEvent, down: boolean) => {
      const k = e.key.toLowerCase();
      // Keys typed into a text field or pressed over a dialog are not the game's; a released key always is.
      if (down && (isTypingTarget(e.target) || document.querySelector('dialog[open]') || e.ctrlKey || e.metaKey || e.altKey)) return;
      if (['arrowup', 'arrowdown', 'arrowleft', 'arrowright', 'w', 'a', 's', 'd'].includes(k)) {
        e.preventDefault();
        if (down) this.#keys.add(k);
        else this.#keys.delete(k);
      } else if (down && (k === 'e' || (k === ' ' && !(e.target instanceof Element && e.target.closest('button, a, summary'))))) {
        e.preventDefault();
        this.open();
      }
    };
    this.#onKeyDown = (e) => key(e, true);
    this.#onKeyUp = (e) => key(e, false);
    window.addEventListener('keydown', this.#onKeyDown);
    window.addEventListener('keyup', this.#onKeyUp);
    document.querySelectorAll<HTMLButtonElement>('.pad button[data-dir]').forEach((b) => {
      const [dx, dy] = b.dataset['dir']!.split(',').map(Number) as [number, number];
      b.onpointerdown = () => (this.#padDir = { dx, dy });
      b.onpointerup = b.onpointerleave = () => (this.#padDir = { dx: 0, dy: 0 });
    });
    $('raid-open').onclick = () => this.open();
    this.#frame = requestAnimationFrame(() => this.#loop());
  }

  /** Listens to the room: the one joined, or the one a reconnection gave back. */
  attach(room: Room): void {
    this.#room = room;
    room.onMessage('commit-request', (m: { round: number }) => {
      const action = { round: m.round, count: CHESTS_PER_ROUND };
      const commitment = this.#commitment('chests', action);
      this.#committedRounds.set(m.round, commitment);
      void this.#send('commit', { round: m.round }, 'chests', action, commitment);
    });
    room.onMessage('receipt', (r: Receipt) => void this.#onReceipt(r, this.ctx.chain.record(r)));
    room.onMessage('outcome', (o: { record: OutcomeRecord; recordHash: string }) => void this.#onOutcome(o.record, this.ctx.chain.record({ ...o.record, hash: o.recordHash })));
    room.onMessage('void', (v: { drawSeq: number; reason: string; record?: HashedRecord }) => void this.#onVoid(v));
    // Every record of the room, once the room sends them to all: only failures show.
    room.onMessage('record', (r: HashedRecord) => void this.ctx.chain.record(r).then((v) => v.problems.length && this.#log(historyLine(v), v.problems)));
    room.onMessage('error', (e: { code: string; message: string; round?: number }) => {
      // A commitment the room refused (too late for the round): its absence from the draw is no fault.
      if (e.code === 'not-now' && typeof e.round === 'number') this.#committedRounds.delete(e.round);
      this.#log(refusalSentence(e, this.ctx.keys.games['raid']?.terms));
    });
  }

  readonly #onKeyDown: (e: KeyboardEvent) => void;
  readonly #onKeyUp: (e: KeyboardEvent) => void;

  close(): void {
    this.#closed = true;
    cancelAnimationFrame(this.#frame);
    window.removeEventListener('keydown', this.#onKeyDown);
    window.removeEventListener('keyup', this.#onKeyUp);
  }

  get #state(): RaidStateView {
    return this.#room.state as unknown as RaidStateView;
  }

  #commitment(kind: string, action: Record<string, string | number>): string {
    const seed = nextSeed();
    const commitment = seedCommitment(seed);
    this.#seeds.set(commitment, seed);
    this.#asked.set(commitment, { kind, action });
    return commitment;
  }

  /** Opens the nearest closed chest within reach. */
  open(): void {
    const me = this.#me;
    if (!me) return;
    const near = [...this.#state.chests]
      .filter((c) => !c.openedBy && !c.opening && Math.hypot(me.x - c.x - 0.5, me.y - c.y - 0.5) <= RAID_REACH)
      .sort((a, b) => Math.hypot(me.x - a.x, me.y - a.y) - Math.hypot(me.x - b.x, me.y - b.y))[0];
    if (!near) return void this.#log('no closed chest within reach');
    const action = { round: this.#state.round, chest: near.id, table: RAID_LOOT_MAPPING };
    void this.#send('open', { chest: near.id }, 'loot', action, this.#commitment('loot', action));
  }

  /** Sends a draw-opening message once the player's authorization of the draw is signed (protocol v2). */
  async #send(type: string, body: Record<string, number>, kind: string, action: Record<string, string | number>, commitment: string): Promise<void> {
    try {
      const authorization = await this.ctx.authorize({ kind, action, commitment });
      this.#room.send(type, { ...body, commitment, authorization });
    } catch (e) {
      this.#log(`${type}: the draw request could not be signed`, [(e as Error).message]);
    }
  }

  #log(text: string, problems?: string[], data: Record<string, string> = {}, unplaced?: string): HTMLLIElement {
    const li = document.createElement('li');
    Object.assign(li.dataset, data);
    if (problems) markRow(li, text, problems, unplaced);
    else li.textContent = text;
    $('raid-log').prepend(li);
    return li;
  }

  async #onReceipt(receipt: Receipt, chained: Promise<Verdict>): Promise<void> {
    const draw = { draw: String(receipt.drawSeq) };
    if (receipt.kind === 'chests') {
      const mine = this.#committedRounds.get(Number(receipt.action['round']));
      if (mine && !receipt.commitments.includes(mine)) {
        this.#excluded.add(receipt.drawSeq);
        this.#log(`draw ${receipt.drawSeq} (chests):`, ['the chest draw leaves out the commitment this page sent for its round'], draw);
      }
    }
    const i = receipt.players.findIndex((p) => p.toLowerCase() === this.ctx.address.toLowerCase());
    if (i < 0) {
      const v = await chained;
      return void (v.problems.length && this.#log(`draw ${receipt.drawSeq} (${receipt.kind}):`, v.problems, draw));
    }
    const commitment = receipt.commitments[i]!;
    if (this.#spent.has(commitment)) return void this.#log(`draw ${receipt.drawSeq}: receipt refused, seed not revealed again:`, ['it reuses a commitment whose seed this page already revealed'], draw);
    const seed = this.#seeds.get(commitment);
    const asked = this.#asked.get(commitment);
    if (!seed || !asked) return void this.#log(`draw ${receipt.drawSeq}:`, ['a receipt in my name for a commitment this page never made'], draw);
    const intended = { roomId: this.#room.roomId, game: 'raid', kind: asked.kind, action: asked.action, address: this.ctx.address, commitment, rulesHash: this.ctx.rulesHash };
    const [mine, v] = await Promise.all([this.ctx.verifier.receiptProblems({ keys: this.ctx.keys, receipt, intended }), chained]);
    const problems = [...mine, ...v.problems];
    if (problems.length) return void this.#log(`draw ${receipt.drawSeq} (${receipt.kind}): receipt refused, seed kept secret:`, problems, draw);
    this.#spent.add(commitment);
    this.#seeds.delete(commitment);
    this.#revealedDraws.add(receipt.drawSeq);
    this.#room.send('reveal', { drawSeq: receipt.drawSeq, seed });
  }

  async #onOutcome(record: OutcomeRecord, chained: Promise<Verdict>): Promise<void> {
    const v = await chained;
    const problems = [...v.problems];
    if (this.#excluded.has(record.drawSeq)) problems.push('the chest draw left out the commitment this page sent');
    const receipt = v.receipt;
    const r = record.result as { tiles?: number[][]; item?: string; amount?: number; tokenId?: number };
    const who = receipt?.players[0]?.toLowerCase() === this.ctx.address.toLowerCase() ? 'you' : `${receipt?.players[0]?.slice(0, 8) ?? 'someone'}…`;
    const text = r.tiles
      ? `round ${receipt?.action['round'] ?? '?'}: chests placed by ${receipt?.players.length === 1 ? "1 player's seed" : `${receipt?.players.length ?? '?'} players' seeds`}`
      : `${who} found ${r.item === CHIPS_LOOT ? lootWords(r.item, r.amount ?? 0) : r.item}`;
    const li = this.#log(`draw ${record.drawSeq}: ${text}${receiptNote(v)}`, problems, { draw: String(record.drawSeq), kind: r.tiles ? 'chests' : 'loot' }, v.unplaced);
    if (r.tiles) return;
    li.insertAdjacentHTML('afterbegin', `<span class="loot-icon" aria-hidden="true">${lootArt(r.tokenId)}</span>`);
    const what = r.item === CHIPS_LOOT ? lootWords(r.item, r.amount ?? 0) : `${/^[aeiou]/.test(r.item ?? '') ? 'an' : 'a'} ${r.item}`;
    announce(`${who === 'you' ? 'You' : `Player ${who}`} found ${what}. ${problems.length ? `Verification failed: ${problems.join('; ')}.` : v.unplaced ? 'Not verified yet.' : 'Verified.'}`);
    if (who === 'you') this.ctx.onSettled();
  }

  async #onVoid(v: { drawSeq: number; reason: string; record?: HashedRecord }): Promise<void> {
    const verdict = v.record ? await this.ctx.chain.record(v.record) : undefined;
    const problems = [...(verdict?.problems ?? [])];
    if (this.#revealedDraws.has(v.drawSeq)) problems.push(`voided after this page revealed its seed ("${v.reason}"): the server knows the seed and could re-roll`);
    if (problems.length) this.#log(`draw ${v.drawSeq} voided: ${v.reason}:`, problems, { draw: String(v.drawSeq) });
    else this.#log(`draw ${v.drawSeq} voided: ${v.reason}`);
  }

  #direction(): { dx: number; dy: number } {
    const k = this.#keys;
    const dx = (k.has('arrowright') || k.has('d') ? 1 : 0) - (k.has('arrowleft') || k.has('a') ? 1 : 0) + this.#padDir.dx;
    const dy = (k.has('arrowdown') || k.has('s') ? 1 : 0) - (k.has('arrowup') || k.has('w') ? 1 : 0) + this.#padDir.dy;
    const len = Math.hypot(dx, dy) || 1;
    return { dx: Math.max(-1, Math.min(1, dx / len)), dy: Math.max(-1, Math.min(1, dy / len)) };
  }

  #loop(): void {
    if (this.#closed) return;
    const now = performance.now();
    const dt = (now - this.#last) / 1000;
    this.#last = now;
    const dir = this.#direction();
    const key = `${dir.dx.toFixed(3)},${dir.dy.toFixed(3)}`;
    if (key !== this.#sentDir) {
      this.#sentDir = key;
      this.#room.send('move', dir);
    }
    const server = this.#state.players?.get(this.ctx.address);
    if (server) {
      // Predict with the server's step, then close a fraction of any gap to the server's word.
      const predicted = this.#me ? stepPlayer(this.#me, dir, dt) : { x: server.x, y: server.y };
      const gap = Math.hypot(server.x - predicted.x, server.y - predicted.y);
      const pull = gap > 1.5 ? 1 : Math.min(1, dt * 4);
      this.#me = { x: predicted.x + (server.x - predicted.x) * pull, y: predicted.y + (server.y - predicted.y) * pull };
    }
    this.#draw(dt);
    if (this.#me) Object.assign($('raid-map').dataset, { x: this.#me.x.toFixed(2), y: this.#me.y.toFixed(2) });
    this.#frame = requestAnimationFrame(() => this.#loop());
  }

  #draw(dt: number): void {
    const state = this.#state;
    const rows: HTMLTableRowElement[] = [];
    const avatars: AvatarOnMap[] = [];
    const scoreboard = this.#frames++ % 10 === 0;
    for (const [address, p] of state.players ?? new Map<string, PlayerView>()) {
      const mine = address.toLowerCase() === this.ctx.address.toLowerCase();
      const target = mine && this.#me ? this.#me : { x: p.x, y: p.y };
      const prev = this.#shown.get(address) ?? target;
      const k = mine ? 1 : Math.min(1, dt * 12); // others glide towards their last known position
      const shown = { x: prev.x + (target.x - prev.x) * k, y: prev.y + (target.y - prev.y) * k };
      this.#shown.set(address, shown);
      avatars.push({ address, ...shown, mine });
      if (!scoreboard) continue;
      const tr = document.createElement('tr');
      Object.assign(tr.dataset, { address, x: p.x.toFixed(2), y: p.y.toFixed(2) });
      tr.append(...[mine ? 'you' : `${address.slice(0, 10)}…`, String(p.score), [...p.finds].join(', ')].map((t) => Object.assign(document.createElement('td'), { textContent: t })));
      tr.firstElementChild!.insertAdjacentHTML('afterbegin', `<span class="avatar" aria-hidden="true">${avatarArt(address, mine)}</span>`);
      rows.push(tr);
    }
    this.#painter.paint(state.chests ?? [], avatars, performance.now());
    if (scoreboard) $('scoreboard').querySelector('tbody')!.replaceChildren(...rows);
    const left = Math.max(0, Math.round((state.phaseEndsAt - Date.now()) / 1000));
    const phase = { waiting: 'waiting for players', placing: 'placing chests: each player adds a secret random number, so no one alone decides where they go', playing: `find the chests: ${left} s left`, scores: `round over: next in ${left} s` }[state.phase] ?? state.phase;
    $('raid-status').textContent = `Round ${state.round}: ${phase}`;
    $('raid-status').dataset['phase'] = state.phase;
  }
}

export default (ctx: GameViewContext): GameView => new RaidView(ctx);
