/**
 * Who sits where: a player may hold at most a few seats at once (MAX_SEATS_PER_ADDRESS), so one
 * address cannot fill the server with rooms. Seats are claimed when a player joins a room and
 * released when they leave it (a dropped player keeps theirs through the reconnection grace).
 * @module
 */

export interface Seat {
  readonly address: string;
  readonly game: string;
  /** The game stakes chips, which one process holds for an address at a time. */
  readonly stakesChips: boolean;
  readonly roomId: string;
  readonly sessionId: string;
}

export type SeatRefusal = 'seat-cap' | 'chips-elsewhere';

export class SeatRefused extends Error {
  override readonly name = 'SeatRefused';
  constructor(
    readonly reason: SeatRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface SeatRegistry {
  /** Claims the seat or throws SeatRefused; claiming a seat already held is a no-op. */
  claim(seat: Seat): Promise<void>;
  /** Releases the seat if held. */
  release(seat: Seat): Promise<void>;
  /**
   * Holds the address's chips on this process for a moment (a cash-out): throws SeatRefused
   * `chips-elsewhere` if it sits at a table that stakes chips on another process (whose bets in
   * flight this process cannot see), and while held no other process seats it at one. Resolves
   * to the release. One process: nothing to hold (its own bets are the ledger's reservations).
   */
  holdChips(address: string, id: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A cash-out refused while the address stakes chips on another process. */
export const CHIPS_ELSEWHERE_CASH_OUT =
  'this address sits at a table that stakes chips on another server process, where bets may be in flight: leave the table, then cash out';

export function seatCapMessage(cap: number): string {
  return `this address already sits in ${cap} rooms (the most one player may hold at once): leave one first`;
}

/** Seats of one process. */
export class MemorySeatRegistry implements SeatRegistry {
  readonly #seats = new Map<string, Set<string>>();

  constructor(private readonly cap: number) {}

  async claim(seat: Seat): Promise<void> {
    const key = seat.address.toLowerCase();
    const held = this.#seats.get(key) ?? new Set<string>();
    const id = `${seat.roomId}/${seat.sessionId}`;
    if (held.has(id)) return;
    if (held.size >= this.cap) throw new SeatRefused('seat-cap', seatCapMessage(this.cap));
    held.add(id);
    this.#seats.set(key, held);
  }

  async release(seat: Seat): Promise<void> {
    const key = seat.address.toLowerCase();
    const held = this.#seats.get(key);
    held?.delete(`${seat.roomId}/${seat.sessionId}`);
    if (held?.size === 0) this.#seats.delete(key);
  }

  async holdChips(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  async close(): Promise<void> {}
}
