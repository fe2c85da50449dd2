/**
 * The minter's awards not yet minted, in the order recorded, and the only awards it keeps in
 * memory. It learns of them from the outbox's table by their numbers (`AwardOutbox.unminted`):
 * every one not minted at start, then every `pollMs` those numbered above the last it read, so
 * awards recorded by other processes sharing the database reach it too; awards recorded by this
 * process come at once (`onRecorded`).
 * @module
 */
import type { Logger } from 'pino';
import type { Award, AwardOutbox } from './award-sink.ts';
import type { MintLog } from './mint-log.ts';

/** Awards read from the outbox at a time. */
const PAGE = 200;

export interface PendingAwardsOptions {
  readonly outbox: AwardOutbox;
  readonly mints: MintLog;
  readonly pollMs: number;
  /** Called when awards arrive (the minter's wake-up). */
  readonly onArrival: () => void;
  readonly log: Logger;
}

export class PendingAwards {
  readonly #awards = new Map<string, Award>();
  /** When each award reached the minter (ms, performance clock), for the mint latency metric. */
  readonly #since = new Map<string, number>();
  #loaded = false;
  /** The outbox's number read up to: awards numbered above it are new here. */
  #seen = 0;
  /** While the outbox is being read: awards settled meanwhile, not to be taken back in from the read. */
  #settledDuringRead: Set<string> | undefined;
  #reading: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  /** A failed read is logged once, not every poll while the database is away. */
  #failing = false;
  readonly #unsubscribe: () => void;

  constructor(private readonly o: PendingAwardsOptions) {
    // Awards recorded here are new: never minted, so pending at once.
    this.#unsubscribe = o.outbox.onRecorded((awards) => {
      const now = performance.now();
      for (const a of awards) {
        this.#awards.set(a.awardId, a);
        this.#since.set(a.awardId, now);
      }
      o.onArrival();
    });
  }

  /** Whether the outbox's unminted awards have been read (`load`). */
  get loaded(): boolean {
    return this.#loaded;
  }

  get size(): number {
    return this.#awards.size;
  }

  get(awardId: string): Award | undefined {
    return this.#awards.get(awardId);
  }

  values(): IterableIterator<Award> {
    return this.#awards.values();
  }

  /** Pending again (its mint was lost with its block). */
  add(award: Award): void {
    this.#awards.set(award.awardId, award);
  }

  /** Minted (or found on chain): no longer pending. Returns when it reached the minter, if known. */
  settle(awardId: string): number | undefined {
    const since = this.#since.get(awardId);
    this.#awards.delete(awardId);
    this.#since.delete(awardId);
    this.#settledDuringRead?.add(awardId);
    return since;
  }

  /** Reads the outbox's unminted awards (older than any recorded here since, so first), then polls for new ones. */
  async load(): Promise<void> {
    if (this.#loaded) return;
    const recordedMeanwhile = [...this.#awards.values()];
    this.#awards.clear();
    await this.#read();
    const minted = await this.o.mints.mintsOf(recordedMeanwhile.map((a) => a.awardId));
    for (const a of recordedMeanwhile) if (!minted.has(a.awardId)) this.#awards.set(a.awardId, a);
    this.#loaded = true;
    this.#timer = setInterval(() => void this.#poll(), this.o.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    await this.#reading;
  }

  async #poll(): Promise<void> {
    if (this.#reading || this.#stopped) return;
    const before = this.#awards.size;
    this.#reading = this.#read()
      .then(() => {
        if (this.#failing) this.o.log.info('reading new awards again');
        this.#failing = false;
        if (this.#awards.size > before) this.o.onArrival();
      })
      .catch((err: unknown) => {
        if (!this.#failing) this.o.log.warn({ err: (err as Error).message }, 'reading new awards failed; will retry');
        this.#failing = true;
      })
      .finally(() => (this.#reading = undefined));
    await this.#reading;
  }

  /** Reads the unminted awards numbered above #seen, a page at a time. */
  async #read(): Promise<void> {
    const settled = new Set<string>();
    this.#settledDuringRead = settled;
    try {
      for (;;) {
        const { awards, through } = await this.o.outbox.unminted(this.o.mints.contract, this.#seen, PAGE);
        const now = performance.now();
        for (const a of awards) {
          if (settled.has(a.awardId) || this.#awards.has(a.awardId)) continue;
          this.#awards.set(a.awardId, a);
          if (this.#loaded) this.#since.set(a.awardId, now);
        }
        this.#seen = through;
        if (awards.length < PAGE) return;
      }
    } finally {
      this.#settledDuringRead = undefined;
    }
  }
}
