/**
 * The order in which the minter offers pending awards to the epoch's cap budget: round-robin by
 * player, so one player's backlog never delays another's first award of the epoch.
 *
 * Each item (an award, or a player's awards of a token released together: `accumulation.ts`)
 * has a rank: how many awards its player had minted this epoch, plus the awards of that player's
 * items ahead of it here. Items come out by rank, and among equal ranks in the order given (the
 * outbox's); a player's own items therefore keep their order. Pure: no chain, no clock.
 * @module
 */

export interface FairOrderOptions<T> {
  /** The item's player (compared without case). */
  readonly playerOf: (item: T) => string;
  /** How many awards the item holds: it takes that many ranks of its player. */
  readonly sizeOf: (item: T) => number;
  /** Awards of the player minted this epoch, before any of these. */
  readonly mintedThisEpoch: (player: string) => number;
}

/** One player's items, in order, and the rank of the first not yet given out. */
interface Queue<T> {
  readonly items: T[];
  readonly positions: number[];
  next: number;
  rank: number;
}

/**
 * The items by (rank, position given), lazily: a consumer that stops after a batch's worth
 * costs O(players + taken x log players), not a sort of every pending award.
 */
export function* fairOrder<T>(items: Iterable<T>, o: FairOrderOptions<T>): Generator<T, void, undefined> {
  const queues = new Map<string, Queue<T>>();
  let position = 0;
  for (const item of items) {
    const player = o.playerOf(item).toLowerCase();
    let q = queues.get(player);
    if (!q) queues.set(player, (q = { items: [], positions: [], next: 0, rank: o.mintedThisEpoch(player) }));
    q.items.push(item);
    q.positions.push(position++);
  }
  const heap = new MinHeap<Queue<T>>((a, b) => a.rank - b.rank || a.positions[a.next]! - b.positions[b.next]!);
  for (const q of queues.values()) heap.push(q);
  for (let q = heap.pop(); q; q = heap.pop()) {
    const item = q.items[q.next]!;
    yield item;
    q.next++;
    q.rank += o.sizeOf(item);
    if (q.next < q.items.length) heap.push(q);
  }
}

/** A binary min-heap: a handful of lines, not worth a dependency. */
class MinHeap<T> {
  readonly #a: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}

  push(value: T): void {
    const a = this.#a;
    a.push(value);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}
