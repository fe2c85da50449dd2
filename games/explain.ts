/**
 * The draws of vrf/outcome.ts told byte by byte, for the games' `explain` (the fairness panel):
 * the same arithmetic as `OutcomeReader.int` (mask to the bit length of n - 1, reject and read
 * again at n or above), done here in the open so that every number the panel shows is one a
 * player can redo. A game's test checks that the values these give equal `OutcomeReader`'s.
 * @module
 */
import { BetaStream } from '../vrf/outcome.ts';
import { formatChips, UNITS_PER_CHIP } from './chips.ts';

/** Where a stream byte comes from: beta itself, then the SHA-256 blocks B(0), B(1), … */
function place(pos: number, betaLength: number): string {
  if (pos < betaLength) return `beta byte ${pos}`;
  const i = pos - betaLength;
  return `B(${Math.floor(i / 32)}) byte ${i % 32}`;
}

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** A counted read of beta's fairplay-outcome-v1 stream. */
export class TracedStream {
  readonly #stream: BetaStream;
  readonly #betaLength: number;
  #pos = 0;

  constructor(beta: Uint8Array) {
    this.#stream = new BetaStream(beta);
    this.#betaLength = beta.length;
  }

  /** Stream bytes read so far. */
  get position(): number {
    return this.#pos;
  }

  /**
   * A uniform integer in [0, n), as `OutcomeReader.int(n)` draws it, with each attempt in words:
   * "beta bytes 0–1: 17 3a = 4410, low 14 bits 4410 < 10000 ✓".
   */
  int(n: number): { value: number; attempts: string[] } {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`int: n must be a positive safe integer, got ${n}`);
    if (n === 1) return { value: 0, attempts: ['only one choice: 0 (no bytes read)'] };
    const b = (n - 1).toString(2).length;
    const k = Math.ceil(b / 8);
    const topMask = 2 ** (b - 8 * (k - 1)) - 1;
    const attempts: string[] = [];
    for (;;) {
      const from = this.#pos;
      const bytes = Array.from({ length: k }, () => this.#stream.next());
      this.#pos += k;
      const raw = bytes.reduce((v, x) => v * 256 + x, 0);
      const kept = bytes.reduce((v, x, i) => v * 256 + (i === 0 ? x & topMask : x), 0);
      const where = k === 1 ? place(from, this.#betaLength) : `${place(from, this.#betaLength)} to ${place(from + k - 1, this.#betaLength).replace(/^.* byte /, 'byte ')}`;
      const read = `${where}: ${bytes.map(hex2).join(' ')} = ${raw}, its low ${b} bits ${kept}`;
      if (kept < n) {
        attempts.push(`${read} < ${n} ✓`);
        return { value: kept, attempts };
      }
      attempts.push(`${read} ≥ ${n}: too big, read on`);
    }
  }
}

/** The ranges of a weighted pick: with weights [50, 25] the first takes 0–49, the second 50–74. */
export function weightRanges(weights: readonly number[]): { from: number; to: number }[] {
  let at = 0;
  return weights.map((w) => {
    const range = { from: at, to: at + w - 1 };
    at += w;
    return range;
  });
}

/** An amount in units as a player reads it: "1 chip", "0.5 chips", "19.8 chips". */
export function chips(units: number): string {
  return `${formatChips(units)} ${units === UNITS_PER_CHIP ? 'chip' : 'chips'}`;
}

/** `chips` of a value read from an unchecked record: "? chips" for anything but a whole number of units. */
export function chipsOf(units: unknown): string {
  return typeof units === 'number' && Number.isSafeInteger(units) && units >= 0 ? chips(units) : '? chips';
}
