/**
 * The work a room has under way (journal writes, settling draws, timers' handlers): a room is
 * filed as finished only once all of it is done, and a failure is logged, not lost.
 * @module
 */
export class RoomWork {
  readonly #inFlight = new Set<Promise<unknown>>();
  #failures = 0;

  constructor(private readonly onError: (err: unknown) => void) {}

  track(work: Promise<unknown>): void {
    this.#inFlight.add(work);
    work.then(
      () => this.#inFlight.delete(work),
      (err: unknown) => {
        this.#inFlight.delete(work);
        this.#failures++;
        this.onError(err);
      },
    );
  }

  /** How many tracked pieces of work failed (a write the database refused or never took). */
  get failures(): number {
    return this.#failures;
  }

  /** Resolves when everything tracked so far has ended, well or not. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }
}
