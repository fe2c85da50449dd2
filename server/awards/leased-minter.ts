/**
 * One minter per chain key across a cluster: the process holding the `minter` lease runs the
 * AwardMinter on the shared mint log; the others follow that log, so each can tell its players
 * which awards are minted. When the holder dies its lease lapses and another process takes
 * over, reconciling from the log as after any restart.
 *
 * The lease keeps two minters from racing on one nonce; it is not what keeps an award from
 * being minted twice. The contract refuses an award id it has seen, so a holder that stalls
 * past its lease and wakes beside its successor costs at most a voided transaction.
 * @module
 */
import type { Logger } from 'pino';
import type { Lease } from '../cluster/cluster-node.ts';
import type { JournalAwardSink } from './award-sink.ts';
import { MintLog } from './mint-log.ts';
import type { AwardMinter, AwardStatus } from './minter.ts';

const STEP_MS = 2_000;

export interface LeasedMinterOptions {
  readonly lease: Lease;
  readonly mintsPath: string;
  readonly contract: string;
  readonly outbox: JournalAwardSink;
  readonly makeMinter: (mints: MintLog, mayBroadcast: () => boolean) => AwardMinter;
  readonly log: Logger;
}

export class LeasedMinter {
  readonly #o: LeasedMinterOptions;
  #view: MintLog;
  #running: { minter: AwardMinter; mints: MintLog } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #step: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeasedMinterOptions) {
    this.#o = options;
    this.#view = MintLog.follow(options.mintsPath, options.contract);
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

  status(awardId: string): AwardStatus {
    if (this.#running) return this.#running.minter.status(awardId);
    const mint = this.#view.mintOf(awardId);
    return mint ? { status: 'minted', txHash: mint.hash, blockNumber: mint.blockNumber } : { status: 'pending' };
  }

  get pendingCount(): number {
    if (this.#running) return this.#running.minter.pendingCount;
    return Math.max(0, this.#o.outbox.count - this.#view.mintedCount);
  }

  async #tick(): Promise<void> {
    if (this.#running) {
      const kept = await this.#o.lease.acquire().catch(() => this.#o.lease.held);
      if (!kept) {
        this.#o.log.warn('lost the minter lease: another process mints now');
        await this.#resign();
        this.#view = MintLog.follow(this.#o.mintsPath, this.#o.contract);
      }
      return;
    }
    await this.#view.catchUp();
    if (this.#stopped || !(await this.#o.lease.acquire())) return;
    // Opening for writing replays the whole log: the new minter starts where the last one stopped.
    const mints = await MintLog.open(this.#o.mintsPath, this.#o.contract);
    // A transaction goes out only with time to spare on the lease: a holder that stalled past
    // it must not send beside its successor.
    const minter = this.#o.makeMinter(mints, () => this.#o.lease.heldFor(STEP_MS));
    this.#running = { minter, mints };
    minter.start();
    this.#o.log.info('holds the minter lease: this process mints for the cluster');
  }

  async #resign(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    await running.minter.stop();
    await running.mints.close();
  }
}
