/**
 * A chain watcher's loop (the court watcher, the deposit watcher): one poll at a time, the next
 * `pollMs` after the last ended, and a poll asked for (`poll()`) queued behind the one under way.
 * A chain or database that stays down fails every poll: the first failure of a run of them is
 * logged, then one in FAILURES_LOGGED, so an outage does not fill the log once a second.
 * @module
 */
import type { Logger } from 'pino';

const FAILURES_LOGGED = 60;

export interface PollLoop {
  /** Runs a poll after the one under way; resolves when it ends. */
  poll(): Promise<void>;
  /** Stops polling; waits for the poll under way. */
  stop(): Promise<void>;
  /** True once `stop` was called: a long poll checks it between steps. */
  readonly stopped: boolean;
}

/** Starts polling at once. `name` names the watcher in the log ("court watcher"). */
export function startPollLoop(name: string, poll: () => Promise<void>, pollMs: number, log: Logger): PollLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;
  const loop = (): void => {
    if (stopped) return;
    running = running
      .then(poll)
      .then(
        () => {
          if (failures > 0) log.info({ failures }, `${name} polls again`);
          failures = 0;
        },
        (err: unknown) => {
          if (failures++ % FAILURES_LOGGED === 0) log.error({ err, failures }, `${name} poll failed; trying again`);
        },
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  loop();
  return {
    poll: () => (running = running.then(poll)),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
    get stopped() {
      return stopped;
    },
  };
}
