/**
 * The lobby: each game's open rooms, refreshed every few seconds while it shows, and the
 * buttons that create or join one. The server lists a room only while someone is connected to
 * it (a room whose players all dropped keeps their seats for the grace period, but nobody is
 * there to play with). A room that is gone by the time Join is pressed drops out of the list
 * with a message.
 * @module
 */
import { GAMES as GAME_RULES } from '../../games/registry.ts';
import { getJson, type RoomListing } from './api.ts';
import { focusHeading } from './focus.ts';

/** A game's id, as the registry lists it. */
export type Game = string;
const GAMES: readonly Game[] = GAME_RULES.map((g) => g.id);
/** How often the list is fetched again while the lobby shows. */
export const LOBBY_REFRESH_MS = 3000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface LobbyActions {
  create(game: Game): Promise<void>;
  join(game: Game, roomId: string): Promise<void>;
}

/** Each game in one plain sentence, for a player who has never seen it. */
const HOW_TO_PLAY: Record<string, string> = {
  dice: 'Pick a number and bet that the roll (0 to 9999) lands under or over it: the smaller your chance, the bigger the win.',
  raid: 'Walk a maze with the other players and open chests: each holds bonus chips or an item.',
  blackjack: 'Get closer to 21 than the dealer without going over; blackjack pays 3 to 2.',
};

export class Lobby {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Rooms whose Join failed: not offered again (a listing fetched meanwhile may still hold them). */
  readonly #gone = new Set<string>();

  constructor(private readonly actions: LobbyActions) {
    // A card per game, in the registry's order: its open rooms and a New button.
    $('lobby-games').replaceChildren(
      ...GAME_RULES.map((g) => {
        const card = Object.assign(document.createElement('section'), { className: 'lobby-game' });
        card.setAttribute('aria-labelledby', `${g.id}-rooms-heading`);
        const table = Object.assign(document.createElement('table'), { id: `${g.id}-rooms` });
        table.innerHTML = `<caption class="visually-hidden">Open ${g.title.toLowerCase()} rooms</caption><thead><tr><th scope="col">room</th><th scope="col">players</th><th scope="col"><span class="visually-hidden">join</span></th></tr></thead><tbody></tbody>`;
        const create = Object.assign(document.createElement('button'), { id: `create-${g.id}`, type: 'button', textContent: `New ${g.title.toLowerCase()} room` });
        create.onclick = () => void actions.create(g.id);
        const how = Object.assign(document.createElement('p'), { className: 'muted small', textContent: HOW_TO_PLAY[g.id] ?? '' });
        card.append(Object.assign(document.createElement('h2'), { id: `${g.id}-rooms-heading`, textContent: g.title }), how, table, create);
        return card;
      }),
    );
    $('refresh-rooms').onclick = () => void this.refresh();
  }

  /** Shows the lobby (with `message`, if any), focused on its heading, and keeps its list fresh. */
  show(message?: string): void {
    $('lobby').hidden = false;
    focusHeading($('lobby'));
    this.say(message ?? '');
    void this.refresh();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.refresh(), LOBBY_REFRESH_MS);
  }

  hide(): void {
    clearInterval(this.#timer);
    $('lobby').hidden = true;
  }

  /** A message for the player (role=status): why they are here, or what failed. */
  say(message: string): void {
    const out = $('lobby-message');
    out.textContent = message;
    out.hidden = message === '';
  }

  /** A listed room could not be joined: it leaves the list, and the player is told. */
  joinFailed(roomId: string, reason: string): void {
    this.#gone.add(roomId);
    document.querySelector(`#lobby tr[data-room-id="${CSS.escape(roomId)}"]`)?.remove();
    this.say(`Room ${roomId} could not be joined (${reason}); it is no longer listed.`);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    let listings: RoomListing[][];
    try {
      listings = await Promise.all(GAMES.map((game) => getJson<RoomListing[]>(`/rooms?game=${game}`)));
    } catch {
      return void ($('lobby').dataset['stale'] = 'true'); // the server does not answer: keep the last list, try again soon
    }
    delete $('lobby').dataset['stale'];
    GAMES.forEach((game, i) => this.#render(game, listings[i]!.filter((r) => !this.#gone.has(r.roomId))));
  }

  #render(game: Game, rooms: readonly RoomListing[]): void {
    // An empty table would read as broken: say there is no room yet, and what to do.
    const none = document.createElement('tr');
    none.className = 'no-rooms';
    none.append(Object.assign(document.createElement('td'), { colSpan: 3, className: 'muted small', textContent: 'No open room yet: start a new one below.' }));
    $(`${game}-rooms`).querySelector('tbody')!.replaceChildren(
      ...(rooms.length ? [] : [none]),
      ...rooms.map((r) => {
        const tr = document.createElement('tr');
        tr.dataset['roomId'] = r.roomId;
        const join = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Join' });
        join.setAttribute('aria-label', `Join room ${r.roomId}`);
        join.disabled = r.clients >= r.maxClients;
        join.onclick = () => void this.actions.join(game, r.roomId);
        const players = `${r.connected ?? r.clients}/${r.maxClients}`;
        const cell = document.createElement('td');
        cell.append(join);
        tr.append(...[r.roomId, players].map((t) => Object.assign(document.createElement('td'), { textContent: t })), cell);
        return tr;
      }),
    );
  }
}
