/**
 * A value the server reads from the chain at start and then on a timer (the reveal court's free
 * bond, the registry's VRF key schedule): the first read is awaited, one read runs at a time, and
 * the timer keeps no process alive. A failed read keeps the last value; the first failure of a run
 * of them is logged, and so is the first read that works again.
 * @module
 */
import type { Logger } from 'pino';

export interface PeriodicRead {
  /** Reads now (what the timer does); a read under way is joined, not repeated. */
  refresh(): Promise<void>;
  stop(): void;
}

export async function startPeriodicRead<T>(opts: {
  readonly read: () => Promise<T>;
  /** Takes a value read. */
  readonly apply: (value: T) => void;
  /** Called when the first read of all fails (there is no last value to keep). */
  readonly onFirstFailure?: () => void;
  readonly log: Logger;
  /** The log lines: when reads start failing, and when they work again. */
  readonly messages: { readonly failed: string; readonly recovered: string };
  /** Fields added to both lines (the value in use). */
  readonly fields?: () => Record<string, unknown>;
  readonly periodMs: number;
}): Promise<PeriodicRead> {
  let failing = false;
  let first = true;
  let inFlight: Promise<void> | undefined;
  const readOnce = async (): Promise<void> => {
    try {
      opts.apply(await opts.read());
      if (failing) opts.log.info({ ...opts.fields?.() }, opts.messages.recovered);
      failing = false;
    } catch (e) {
      if (first) opts.onFirstFailure?.();
      if (!failing) opts.log.error({ err: (e as Error).message, ...opts.fields?.() }, opts.messages.failed);
      failing = true;
    } finally {
      first = false;
    }
  };
  const refresh = (): Promise<void> => (inFlight ??= readOnce().finally(() => (inFlight = undefined)));
  await refresh();
  const timer = setInterval(() => void refresh(), opts.periodMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
