/**
 * The pauses of a sending loop (the minter's, the fairness sender's): `stop()` ends every one at
 * once, so a stopping loop never waits out a backoff, and `wake()` ends the one idle wait that
 * new work may cut short (a wakeable sleep), never a backoff or a poll.
 * @module
 */
export class Sleeps {
  #stopped = false;
  readonly #sleepers = new Set<() => void>();
  #wake: (() => void) | undefined;

  /** Resolves after `ms`, at stop(), or (`wakeable`) at the next wake(); at once once stopped. */
  sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
      if (wakeable) this.#wake = done;
    });
  }

  /** Ends the current wakeable sleep, if any. */
  wake(): void {
    this.#wake?.();
  }

  /** Ends every sleep, now and to come. */
  stop(): void {
    this.#stopped = true;
    for (const done of [...this.#sleepers]) done();
  }
}
