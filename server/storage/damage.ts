/**
 * What a start found damaged and set aside so that the rest could start: a room whose records
 * cannot be read back (quarantined in the database, its transcript answered as damaged), or a
 * line of an old journal that is not an entry (skipped, the file kept as `<file>.damaged` beside a
 * report). Each is logged at error level with what and where, counted in `/metrics`
 * (`fairplay_damaged_total{kind}`) and listed by `GET /health` as a warning.
 * @module
 */
import type { Logger } from 'pino';

export type DamageKind = 'room' | 'room-journal' | 'chip-journal' | 'award-journal' | 'mint-journal';

export interface Damage {
  readonly kind: DamageKind;
  /** The room id, or the file (with its line). */
  readonly where: string;
  readonly reason: string;
  /** Where the report is kept: the room's transcript route, or the report file beside the damaged journal. */
  readonly report: string;
}

/** Told of each damaged item found; never throws. */
export interface DamageSink {
  found(damage: Damage): void;
}

/** The damage found since the process started, logged and counted as it is found. */
export class DamageReports implements DamageSink {
  readonly #found: Damage[] = [];

  constructor(
    private readonly log: Logger,
    private readonly count: (kind: DamageKind) => void = () => undefined,
  ) {}

  found(damage: Damage): void {
    this.#found.push(damage);
    this.count(damage.kind);
    this.log.error({ damaged: damage }, `damaged ${damage.kind} at ${damage.where} set aside: ${damage.reason} (report: ${damage.report}); the rest starts`);
  }

  /** Everything found so far, oldest first (at most the last 100: a report, not a store). */
  list(): readonly Damage[] {
    return this.#found.slice(-100);
  }
}
