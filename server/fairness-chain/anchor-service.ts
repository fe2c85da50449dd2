/**
 * The anchor loop: every ANCHOR_PERIOD_MS, the rooms whose head moved since their last anchor
 * (new records, or their close) become one Merkle tree, stored with its leaves' proofs and queued
 * as `registry.anchor(index, root, leafCount)` on the fairness sender, which posts it exactly
 * once. No changed room: no anchor. Each period also queues again every stored anchor the chain
 * has not confirmed (after a crash, or a lost block), oldest first, so anchors land in order.
 *
 * Only the process that runs the fairness sender (the minter lease's holder) runs this loop:
 * anchor indexes are numbered in the database, and two anchorers would race for them.
 * @module
 */
import { Interface } from 'ethers';
import type { Logger } from 'pino';
import { anchorId, type AnchorStore } from './anchor-store.ts';
import type { BuiltAnchor, RoomHead } from './anchor-tree.ts';
import type { FairnessSender } from './fairness-sender.ts';

/** The registry's anchor function and event, as the spec fixes them (the full ABI is the registry's artifact). */
export const ANCHOR_ABI = new Interface([
  'function anchor(uint64 index, bytes32 root, uint32 leafCount)',
  'function anchorCount() view returns (uint64)',
  'function anchorAt(uint64 index) view returns (bytes32 root, uint64 timestamp, uint64 blockNumber, uint32 leafCount)',
  'event Anchored(uint256 indexed index, bytes32 root, uint32 leafCount)',
]);
export const ANCHORED_TOPIC = ANCHOR_ABI.getEvent('Anchored')!.topicHash;

/** The most room heads in one anchor; more changed rooms wait for the next period (constant gas either way). */
export const ANCHOR_MAX_LEAVES = 10_000;
/**
 * Finished rooms are looked for among those filed since the previous period began, less this
 * margin (the processes' clocks and the time from a room's close record to its filing), and
 * among all of them every FULL_SCAN_EVERY periods and after any start (rooms imported with old
 * close times).
 */
const CLOSE_MARGIN_MS = 10 * 60_000;
const FULL_SCAN_EVERY = 60;
/** Stored anchors read per period to queue again those not confirmed. */
const REQUEUE_PAGE = 100;

export interface AnchorServiceOptions {
  readonly store: AnchorStore;
  readonly sender: FairnessSender;
  readonly registryAddress: string;
  readonly periodMs: number;
  /** Builds the tree and its proofs (`AnchorBuilder`: off the main thread). */
  readonly build: (heads: readonly RoomHead[]) => Promise<BuiltAnchor>;
  readonly log: Logger;
  readonly now?: () => number;
  /** Whether this process may anchor now (it leads); always, when absent. */
  readonly mayAnchor?: () => boolean;
}

export class AnchorService {
  readonly #o: AnchorServiceOptions;
  /** Every anchor below this index is confirmed on chain, as far as this process knows. */
  #confirmedBelow = 0;
  /** Finished rooms filed before this were all anchored at their close, as of the last look; undefined: look at all. */
  #closedSince: number | undefined;
  #periods = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #step: Promise<void> | undefined;
  #stopped = false;

  constructor(options: AnchorServiceOptions) {
    this.#o = options;
  }

  /** Ids of anchors whose confirmation was lost: they are queued again at once, in order. */
  lost(ids: readonly string[]): void {
    for (const id of ids) this.#confirmedBelow = Math.min(this.#confirmedBelow, Number(BigInt('0x' + id)));
    this.#requeue().catch((err: unknown) => this.#o.log.warn({ err: (err as Error).message }, 'could not queue lost anchors again; next period will'));
  }

  start(): void {
    const tick = (): void => {
      this.#step = this.tick()
        .then(() => undefined)
        .catch((err: unknown) => this.#o.log.warn({ err: (err as Error).message }, 'anchor step failed; trying again next period'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.periodMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#step;
  }

  /** One period: queue what is not confirmed, then anchor the changed heads. Returns the new anchor's index, if any. */
  async tick(): Promise<number | undefined> {
    if (this.#o.mayAnchor && !this.#o.mayAnchor()) return undefined;
    await this.#requeue();
    const now = this.#o.now ?? Date.now;
    const startedAt = now();
    const fullScan = this.#periods++ % FULL_SCAN_EVERY === 0;
    const heads = await this.#o.store.changedHeads(ANCHOR_MAX_LEAVES, fullScan ? undefined : this.#closedSince);
    // Only when every changed room fits in this anchor may the next period look at recent closes alone.
    this.#closedSince = heads.length < ANCHOR_MAX_LEAVES ? startedAt - CLOSE_MARGIN_MS : undefined;
    if (heads.length === 0) return undefined;
    const closed = new Set(heads.filter((h) => h.closed).map((h) => h.roomId));
    const built = await this.#o.build(heads.map(({ roomId, lastSeq, headHash }) => ({ roomId, lastSeq, headHash })));
    const stored = await this.#o.store.store(built, closed, now());
    this.#queue(stored.index, stored.root, stored.leafCount);
    this.#o.log.info({ index: stored.index, leaves: stored.leafCount, root: stored.root }, 'anchor built');
    return stored.index;
  }

  async #requeue(): Promise<void> {
    for (;;) {
      const anchors = await this.#o.store.anchorsFrom(this.#confirmedBelow, REQUEUE_PAGE);
      const confirmed = await this.#o.sender.confirmedOf(anchors.map((a) => anchorId(a.index)));
      let contiguous = true;
      for (const a of anchors) {
        if (confirmed.has(anchorId(a.index))) {
          if (contiguous) this.#confirmedBelow = a.index + 1;
        } else {
          contiguous = false;
          this.#queue(a.index, a.root, a.leafCount);
        }
      }
      if (anchors.length < REQUEUE_PAGE || !contiguous) return;
    }
  }

  #queue(index: number, root: string, leafCount: number): void {
    this.#o.sender.enqueue({ id: anchorId(index), to: this.#o.registryAddress, data: ANCHOR_ABI.encodeFunctionData('anchor', [index, root, leafCount]) });
  }
}
