/**
 * Writes gathered per event-loop turn: everything added during one turn goes to the database as
 * one batch (one transaction), after every earlier batch, so writes stay in the order they were
 * made and a busy turn costs one commit instead of one per item. The chip ledger and the indexes
 * over the transcripts both write this way.
 * @module
 */
export class TurnBatch<T> {
  #items: T[] = [];
  /** The batch this turn's items join, until it starts writing. */
  #open: Promise<void> | undefined;
  #last: Promise<void> = Promise.resolve();

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  /** Adds `item` to this turn's batch; the batch's write, which settles when it has. */
  add(item: T): Promise<void> {
    this.#items.push(item);
    if (!this.#open) {
      const batch = this.#last
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          this.#open = undefined;
          const items = this.#items;
          this.#items = [];
          return this.write(items);
        });
      this.#open = batch;
      this.#last = batch.catch(() => undefined); // a failed batch does not stop the ones after it
    }
    return this.#open;
  }

  /**
   * Runs `task` after every batch begun so far, and before any begun later: a read that must see
   * every earlier write and must not be overtaken by a later one.
   */
  after<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#last.then(task);
    this.#last = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The last batch's write: settled once everything added so far is written (or failed). */
  get last(): Promise<void> {
    return this.#last;
  }
}
