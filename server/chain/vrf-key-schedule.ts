/**
 * Reads the FairnessRegistry's VRF key schedule (which key is in force from when) at start and
 * every minute, into the fairness context, for a server on a suite the reveal court verifies
 * (fairness/vrf-key-in-force.ts says why). A change is registered a change delay (a day by
 * default) before it applies, so a read every minute learns of it long before. Until a first
 * read succeeds no receipt is signed.
 * @module
 */
import type { Logger } from 'pino';
import type { VrfKeyEntries, VrfKeyScheduleHolder } from '../fairness/vrf-key-in-force.ts';
import { startPeriodicRead } from './periodic-read.ts';

/** How often the schedule is read again. */
export const VRF_KEY_SCHEDULE_REFRESH_MS = 60_000;

export interface VrfKeyScheduleWatch {
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Reads the schedule once (awaited), then on a timer that keeps no process alive. A failed read
 * keeps the last schedule and is logged once per run of failures.
 */
export function watchVrfKeySchedule(opts: {
  readonly read: () => Promise<VrfKeyEntries>;
  readonly holder: VrfKeyScheduleHolder;
  readonly log: Logger;
  readonly periodMs?: number;
}): Promise<VrfKeyScheduleWatch> {
  return startPeriodicRead({
    read: opts.read,
    apply: (e) => (opts.holder.entries = { ids: e.ids.map((id) => id.toLowerCase()), activeFrom: [...e.activeFrom] }),
    log: opts.log,
    messages: {
      failed: "reading the fairness registry's VRF keys failed: receipts keep the last schedule read until it works again",
      recovered: "the fairness registry's VRF keys are read again",
    },
    periodMs: opts.periodMs ?? VRF_KEY_SCHEDULE_REFRESH_MS,
  });
}
