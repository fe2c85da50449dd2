/**
 * Builds anchor trees off the main thread: hashing a tree and its proofs costs about half a
 * millisecond of CPU a leaf with `@openzeppelin/merkle-tree` (seconds for 10,000 rooms), which
 * would stall every room of the process. One worker thread (Piscina), started on the first anchor
 * and ended when idle, at nice 10 like the prover's.
 * @module
 */
import { Piscina } from 'piscina';
import type { BuiltAnchor, RoomHead } from './anchor-tree.ts';

/** A worker idle this long is ended: anchors come once a period. */
const IDLE_TIMEOUT_MS = 30_000;

export class AnchorBuilder {
  readonly #pool = new Piscina<readonly RoomHead[], BuiltAnchor>({
    filename: new URL('./anchor-tree-worker-entry.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: IDLE_TIMEOUT_MS,
  });

  build(heads: readonly RoomHead[]): Promise<BuiltAnchor> {
    return this.#pool.run(heads);
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
