/**
 * The room the player is in, from joining to leaving, across dropped connections and reloads.
 *
 * A drop (any close the player did not ask for: the network, a server stopped or killed) shows
 * the "reconnecting…" banner and takes the same seat back through `reconnect()`; the view is
 * attached to the new Room object and the room's chain catches up from its transcript. If the
 * seat cannot be had again (the room is gone, the grace period passed, the server stays away),
 * the player is back in the lobby, still signed in, with a message saying why. The reconnection
 * token is kept in sessionStorage, so a reload comes back to the room the same way.
 * @module
 */
import { CloseCode, type Client, type Room } from '@colyseus/sdk';
import type { Fairness } from './api.ts';
import type { GameView } from './game-view.ts';
import type { Game } from './lobby.ts';
import { historyLine } from './marks.ts';
import { viewOf } from './views.ts';
import { connectionBanner, reconnect } from './reconnect.ts';
import type { Session } from './session.ts';
import type { RoomChain, Verifier } from './verifier.ts';
import { readTabJson } from './tab-storage.ts';
import { drawWitness } from './court-store.ts';
import { readRegistryEntries } from './registry-entries.ts';

/** What a room needs from the page. */
export interface RoomDeps {
  readonly client: Client;
  readonly keys: Fairness;
  readonly verifier: Verifier;
  readonly session: Session;
  /** Back to the lobby; `message` says why when the player did not ask. */
  toLobby(message?: string): void;
  /** A draw paid or awarded something: the inventory may have changed. */
  onWin(): void;
  /** The player joined a room (a new address's starting bonus is granted at its first join): the cashier reads again. */
  onJoined?(): void;
}

const STORED = 'fairplay.room';
interface Stored {
  readonly game: Game;
  readonly token: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class GameRoom {
  #room: Room;
  readonly #view: GameView;
  readonly #chain: RoomChain;
  #done = false;

  private constructor(
    private readonly deps: RoomDeps,
    readonly game: Game,
    room: Room,
  ) {
    this.#room = room;
    const { keys, verifier, session } = deps;
    const section = $(game);
    const rulesHash = keys.games[game]?.rulesHash ?? '';
    $(`${game}-history`).replaceChildren();
    // Receipts are checked against the registry on chain when it can be read; otherwise the page says so and checks the rest.
    const registry = readRegistryEntries(keys, game).then((entries) => {
      if (typeof entries !== 'string') return entries;
      const li = Object.assign(document.createElement('li'), { textContent: `receipts are not checked against the fairness registry on chain: ${entries}`, className: 'muted' });
      li.dataset['registry'] = 'unchecked';
      $(`${game}-history`).prepend(li);
      return undefined;
    });
    this.#chain = verifier.follow(room.roomId, keys, (v) => {
      const li = Object.assign(document.createElement('li'), { textContent: `${historyLine(v)} ✗ FAILED: ${v.problems.join('; ')}`, className: 'fail' });
      $(`${game}-history`).prepend(li);
    }, registry);
    $(`${game}-room-id`).textContent = room.roomId;
    this.#view = viewOf(game)({ mount: $(`${game}-view`), room, address: session.address, keys, verifier, chain: this.#chain, onSettled: () => deps.onWin(), court: drawWitness(room.roomId),
      revealRefusal: async (receipt) => (await import('./court-bond.ts')).revealRefusal(keys, receipt),
      rulesHash, authorize: (draw) => session.authorize({ roomId: room.roomId, game, rulesHash, ...draw }),
      authorizeMove: (move) => session.authorizeMove({ roomId: room.roomId, ...move }) });
    const transcript = $<HTMLAnchorElement>(`export-${game}-transcript`);
    transcript.href = `/rooms/${room.roomId}/transcript`;
    transcript.download = `fairplay-${room.roomId}.json`;
    $(`leave-${game}`).onclick = () => this.leave();
    section.hidden = false;
    this.#watch(room);
  }

  /** Shows the room just joined or created. */
  static enter(deps: RoomDeps, game: Game, room: Room): GameRoom {
    return new GameRoom(deps, game, room);
  }

  /** Back into the room this tab was in before a reload, if it still has the seat; else why not (undefined: there was none). */
  static async resume(deps: RoomDeps): Promise<GameRoom | string | undefined> {
    const stored = readTabJson<Stored>(STORED);
    if (!stored) return undefined;
    connectionBanner(`Rejoining your ${stored.game} room…`);
    const back = await reconnect(deps.client, stored.token);
    connectionBanner('');
    if (typeof back === 'string') {
      sessionStorage.removeItem(STORED);
      return back;
    }
    return new GameRoom(deps, stored.game, back);
  }

  /** The player leaves: the seat is given up at once. */
  leave(): void {
    this.#end();
    void this.#room.leave(true);
    this.deps.toLobby();
  }

  #watch(room: Room): void {
    // Reconnection is ours (reconnect.ts says why): the SDK hands every close to onLeave.
    room.reconnection.enabled = false;
    const stored: Stored = { game: this.game, token: room.reconnectionToken };
    sessionStorage.setItem(STORED, JSON.stringify(stored));
    // Every record of the room from now on (the view listens for `record`): the chain has no gaps to fetch.
    room.send('follow', {});
    room.onLeave((code) => {
      if (this.#done || room !== this.#room) return;
      // A consented close the player did not ask for: the room let the seat go (no grace to wait out).
      if (code === CloseCode.CONSENTED) return this.#lost(`The room closed your seat in room ${room.roomId}.`);
      void this.#reconnect(code);
    });
  }

  async #reconnect(code: number): Promise<void> {
    const section = $(this.game);
    section.inert = true;
    connectionBanner(`Connection lost${code === CloseCode.SERVER_SHUTDOWN ? ' (the server is shutting down)' : ''}: reconnecting…`);
    const back = await reconnect(this.deps.client, this.#room.reconnectionToken);
    if (this.#done) return;
    section.inert = false;
    if (typeof back === 'string') return this.#lost(back);
    this.#room = back;
    this.#view.attach(back);
    this.#watch(back);
    void this.#chain.catchUp(); // records sent while this page was away
    connectionBanner('Reconnected.');
    setTimeout(() => $('connection').textContent === 'Reconnected.' && connectionBanner(''), 2000);
  }

  /** The seat is gone: back to the lobby, signed in, with the reason. */
  #lost(message: string): void {
    this.#end();
    connectionBanner('');
    this.deps.toLobby(message);
  }

  #end(): void {
    this.#done = true;
    this.#view.close();
    this.#chain.forget();
    sessionStorage.removeItem(STORED);
    $(this.game).hidden = true;
    $(this.game).inert = false;
  }
}
