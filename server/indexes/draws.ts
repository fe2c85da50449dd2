/**
 * Every draw a player was a party to (their address is in the receipt's `players`), oldest
 * first, a page at a time, for `GET /players/:address/draws`: where each draw's receipt is in
 * its room's transcript and whether it ended (an outcome: settled; a void), so an auditor can
 * fetch the room's transcript and find its records. Fed from the records rooms write.
 *
 * This module holds the interface; the server's backend is the database's (`sql-draws.ts`).
 * @module
 */

export type DrawStatus = 'open' | 'settled' | 'void';

/** A draw as the index tells it: the receipt's place and hash, and its end's once it ended. */
export interface PlayerDraw {
  readonly roomId: string;
  readonly drawSeq: number;
  readonly receiptSeq: number;
  readonly receiptHash: string;
  readonly game: string;
  readonly kind: string;
  readonly issuedAt: number;
  readonly status: DrawStatus;
  /** The outcome or void record's seq and hash, once the draw ended. */
  readonly endSeq?: number;
  readonly endHash?: string;
}

export interface DrawsPage {
  readonly draws: PlayerDraw[];
  /** Pass as `after` for the next page; null on the last. */
  readonly next: string | null;
}

export interface DrawIndex {
  /**
   * The draws `address` (any case) was a player of, oldest first (`order` 'desc': newest first),
   * after the cursor `after` (a page's `next`, of a page in the same order), at most `limit`.
   */
  draws(address: string, page: { after?: string; limit: number; order?: 'asc' | 'desc' }): Promise<DrawsPage>;
}

/** What every backend's cursor looks like (each is opaque; this is only the shape a request is checked against). */
export const DRAW_CURSOR = /^\d{1,15}$/;
