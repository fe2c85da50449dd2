/**
 * What a game's view is to the page: each game's `games/<id>/view.ts` exports, as its default, a
 * function that draws the game into the room's section and returns its `GameView`.
 * @module
 */
import type { Room } from '@colyseus/sdk';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Fairness } from './api.ts';
import type { DrawWitness } from './court-store.ts';
import type { RoomChain, Verifier } from './verifier.ts';

export interface GameView {
  /** Listens to the room: the one joined, or the one a reconnection gave back (a new Room object). */
  attach(room: Room): void;
  /** Stops what the view runs (loops, keys, a bet waiting for its answer); leaving the room is the caller's. */
  close(): void;
}

/** What a view is given when the player enters a room of its game. */
export interface GameViewContext {
  /** Where the view draws itself (the page owns the section's title, Leave and export link). */
  readonly mount: HTMLElement;
  readonly room: Room;
  /** The signed-in player. */
  readonly address: string;
  /** The pinned keys and the server's published terms (`/fairness`). */
  readonly keys: Fairness;
  readonly verifier: Verifier;
  /** The room's records in chain order: every record the view hears goes through it. */
  readonly chain: RoomChain;
  /** A draw paid or awarded something: the inventory may have changed. */
  onSettled(): void;
  /**
   * The reveal court's evidence: a view tells it before sending a seed, and when that draw settles
   * or is voided (a voided draw whose seed this page revealed can go to the court).
   */
  readonly court: DrawWitness;
  /**
   * Why this page must keep its seed secret from a receipt that passed its checks, or undefined:
   * the reveal court's free bond is less than the receipt's maxPayout (or cannot be read), so the
   * court could not pay the draw if the server withheld its outcome. Asked before every reveal.
   */
  revealRefusal(receipt: ReceiptRecord): Promise<string | undefined>;
  /** The hash of the pinned rules document of this game: what every draw request signs for, and every receipt must name. */
  readonly rulesHash: string;
  /**
   * The `authorization` every draw-opening message carries (protocol v2): the player's signature
   * of a request for a draw of this game in this room under `rulesHash`, with `action` exactly as
   * the receipt will hold it.
   */
  authorize(draw: { kind: string; action: JsonValue; commitment: string }): Promise<string>;
  /** The `authorization` of a move: the player's signature of it as the draw's `moveIndex`-th move (from 0). */
  authorizeMove(move: { drawSeq: number; moveIndex: number; move: string }): Promise<string>;
}

export type GameViewFactory = (ctx: GameViewContext) => GameView;
