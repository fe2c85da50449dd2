/**
 * One minter per chain key across a cluster: the process holding the `minter` lease runs the
 * AwardMinter on the shared database; the others answer for awards from it (which are minted,
 * how many wait). When the holder dies its lease lapses and another process takes over,
 * reconciling from the mint log as after any restart.
 *
 * The lease keeps two minters from racing on one nonce; it is not what keeps an award from
 * being minted twice. The contract refuses an award id it has seen, so a holder that stalls
 * past its lease and wakes beside its successor costs at most a voided transaction.
 * @module
 */
import type { Logger } from 'pino';
import type { Lease } from '../cluster/cluster-node.ts';
import { gatherUnits } from './accumulation.ts';
import type { Award, AwardOutbox } from './award-sink.ts';
import type { MinAwardAmounts } from './min-award-amounts.ts';
import type { MintLog } from './mint-log.ts';
import type { AwardMinter, AwardStatus } from './minter.ts';

const STEP_MS = 2_000;

export interface LeasedMinterOptions {
  readonly lease: Lease;
  readonly outbox: AwardOutbox;
  readonly mints: MintLog;
  readonly makeMinter: (mayBroadcast: () => boolean) => AwardMinter;
  /** As the minter's: so that awards below their token's minimum read `accumulating` here too. */
  readonly minAwardAmounts?: MinAwardAmounts;
  readonly log: Logger;
}

export class LeasedMinter {
  readonly #o: LeasedMinterOptions;
  #running: AwardMinter | undefined;
  /** Awards not minted, counted in the database at each step while another process mints. */
  #pendingCount = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #step: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeasedMinterOptions) {
    this.#o = options;
  }

  start(): void {
    const tick = (): void => {
      this.#step = this.#tick()
        .catch((err: unknown) => this.#o.log.warn({ err }, 'minter lease step failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, STEP_MS);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#step;
    await this.#resign();
    await this.#o.lease.release().catch(() => undefined);
  }

  async status(awardId: string): Promise<AwardStatus> {
    return (await this.statuses([awardId]))[0]!;
  }

  async statuses(awardIds: readonly string[]): Promise<AwardStatus[]> {
    if (this.#running) return this.#running.statuses(awardIds);
    const minted = await this.#o.mints.mintsOf(awardIds);
    // The awards asked about (the route asks for all of a player's): those below their token's minimum wait.
    const minimums = this.#o.minAwardAmounts ?? new Map<number, number>();
    const unminted = minimums.size === 0 ? [] : await Promise.all(awardIds.filter((id) => !minted.has(id)).map((id) => this.#o.outbox.get(id)));
    const { accumulating } = gatherUnits(unminted.filter((a): a is Award => a !== undefined), minimums);
    return awardIds.map((id): AwardStatus => {
      const mint = minted.get(id);
      if (mint) return { status: 'minted', txHash: mint.hash, blockNumber: mint.blockNumber };
      const waiting = accumulating.get(id);
      return waiting ? { status: 'accumulating', have: waiting.have, need: waiting.need } : { status: 'pending' };
    });
  }

  /** The running minter's waiting awards by token; none while another process mints. */
  waiting(): ReturnType<AwardMinter['waiting']> {
    return this.#running?.waiting() ?? { accumulating: new Map(), capped: new Map() };
  }

  get pendingCount(): number {
    return this.#running?.pendingCount ?? this.#pendingCount;
  }

  async #tick(): Promise<void> {
    if (this.#running) {
      const kept = await this.#o.lease.acquire().catch(() => this.#o.lease.held);
      if (!kept) {
        this.#o.log.warn('lost the minter lease: another process mints now');
        await this.#resign();
      }
      return;
    }
    // A database that does not answer keeps the last count; it does not hold back the lease.
    await Promise.all([this.#o.outbox.count(), this.#o.mints.mintedCount()]).then(
      ([recorded, minted]) => (this.#pendingCount = Math.max(0, recorded - minted)),
      () => undefined,
    );
    if (this.#stopped || !(await this.#o.lease.acquire())) return;
    // A transaction goes out only with time to spare on the lease: a holder that stalled past
    // it must not send beside its successor. The new minter reconciles from the mint log first.
    const minter = this.#o.makeMinter(() => this.#o.lease.heldFor(STEP_MS));
    this.#running = minter;
    minter.start();
    this.#o.log.info('holds the minter lease: this process mints for the cluster');
  }

  async #resign(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    await running.stop();
  }
}
