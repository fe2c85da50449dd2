/**
 * Waiting for a condition instead of sleeping for a guessed time: `waitFor` polls until the
 * condition gives a truthy value and returns it, or fails naming what it waited for. The timeout
 * bounds a hang; it is no claim about speed, so keep it generous.
 */

export interface WaitOptions {
  /** What is awaited, for the failure message: "the outbox to hold 40 awards". */
  what: string;
  /** Milliseconds before giving up (default 30 s). */
  timeout?: number;
  /** Milliseconds between polls (default 50). */
  interval?: number;
  /** Treat a throw (or rejection) of the condition as "not yet" instead of failing at once. */
  retryErrors?: boolean;
}

export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: WaitOptions,
): Promise<T> {
  const { what, timeout = 30_000, interval = 50, retryErrors = false } = opts;
  const started = Date.now();
  let polls = 0;
  let lastError: unknown;
  for (;;) {
    polls++;
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      if (!retryErrors) throw error;
      lastError = error;
    }
    if (Date.now() - started >= timeout) {
      const last = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeout} ms (${polls} checks) waiting for ${what}${last}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Resolves after `ms`. Only for time that is itself the subject (a TTL to lapse, an idle period), never to wait for something to happen. */
export const elapse = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
