/** What the page asks of a game's view while the player is in its room. */
import type { Room } from '@colyseus/sdk';

export interface GameView {
  /** Listens to the room: the one joined, or the one a reconnection gave back (a new Room object). */
  attach(room: Room): void;
  /** Stops what the view runs (loops, keys, a bet waiting for its answer); leaving the room is the caller's. */
  close(): void;
}
