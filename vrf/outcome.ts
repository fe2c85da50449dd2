/**
 * Unbiased game values from a VRF output `beta` (32 or 64 bytes). Browser and Node alike.
 *
 * Byte stream (fairplay-outcome-v1), read strictly in order:
 *   beta || B(0) || B(1) || ...   where  B(i) = SHA-256("fairplay-outcome-v1" || beta || I2OSP(i, 4))
 * "fairplay-outcome-v1" is the 19 ASCII bytes of that text; I2OSP(i, 4) is i as 4 big-endian bytes.
 *
 * Draws, each taking the next bytes of the stream:
 * - int(n), 1 <= n <= 2^53: uniform in [0, n). n = 1 gives 0 and reads nothing. Otherwise
 *   b = bit length of n - 1, k = ceil(b / 8). Read k bytes as a big-endian integer, keep its low
 *   b bits (clear the top 8k - b bits of the first byte). If the result is < n return it, else
 *   discard those k bytes and repeat.
 * - weighted(w): r = int(sum(w)); return the smallest i with w[0] + ... + w[i] > r.
 * - shuffle(items): copy; for i = length - 1 down to 1: j = int(i + 1), swap copy[i] and copy[j].
 * - float(bits): int(2^bits) / 2^bits.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, isBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Largest n accepted by `int` and largest total weight: 2^53, so every result is a safe integer. */
export const MAX_RANGE = 2 ** 53;

/** Domain-separation tag of the stream's hash blocks. */
export const OUTCOME_DST = 'fairplay-outcome-v1';

/** A source of bytes; `next()` returns the next byte as an integer in [0, 255]. */
export interface ByteSource {
  next(): number;
}

/** The fairplay-outcome-v1 stream of `beta` (see the module comment) as a ByteSource. */
export class BetaStream implements ByteSource {
  readonly #beta: Uint8Array;
  readonly #prefix: Uint8Array;
  #block: Uint8Array;
  #blockIndex = -1; // -1: still reading beta itself
  #pos = 0;

  constructor(beta: Uint8Array) {
    if (!isBytes(beta) || (beta.length !== 32 && beta.length !== 64))
      throw new RangeError('beta must be a Uint8Array of 32 or 64 bytes');
    this.#beta = beta.slice();
    this.#prefix = concatBytes(utf8ToBytes(OUTCOME_DST), this.#beta);
    this.#block = this.#beta;
  }

  next(): number {
    if (this.#pos === this.#block.length) {
      const i = ++this.#blockIndex;
      if (i >= 2 ** 32) throw new RangeError('outcome stream exhausted (2^32 blocks)');
      const counter = new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255]);
      this.#block = sha256(concatBytes(this.#prefix, counter));
      this.#pos = 0;
    }
    return this.#block[this.#pos++]!;
  }
}

/** Bit length of a non-negative safe integer (0 for 0). Exact: halving an integer float is exact. */
function bitLength(m: number): number {
  let b = 0;
  for (; m > 0; m = Math.floor(m / 2)) b++;
  return b;
}

function checkRange(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RANGE)
    throw new RangeError(`${what} must be an integer in [1, 2^53], got ${n}`);
}

/**
 * Reads game values from a byte stream, in the order the methods are called. A verifier who
 * replays the same calls on the same beta gets the same values and the same `bytesConsumed`.
 */
export class OutcomeReader {
  readonly #source: ByteSource;
  #consumed = 0;

  /** Reads the stream of `beta` (a 32- or 64-byte VRF output), or any ByteSource (for tests). */
  constructor(betaOrSource: Uint8Array | ByteSource) {
    this.#source =
      typeof (betaOrSource as Partial<ByteSource>).next === 'function'
        ? (betaOrSource as ByteSource)
        : new BetaStream(betaOrSource as Uint8Array);
  }

  /** How many stream bytes all draws so far have read, rejected attempts included. */
  get bytesConsumed(): number {
    return this.#consumed;
  }

  #byte(): number {
    const x = this.#source.next();
    if (!Number.isInteger(x) || x < 0 || x > 255)
      throw new RangeError(`ByteSource.next() must return an integer in [0, 255], got ${x}`);
    this.#consumed++;
    return x;
  }

  /**
   * Uniform integer in [0, n), 1 <= n <= 2^53. Why mask-and-reject: `x % n` favours small values
   * whenever n does not divide the number of possible x (modulo bias), and `floor(random * n)`
   * has the same bias hidden in float rounding. Masking to b bits keeps each attempt accepted
   * with probability n / 2^b > 1/2, and every accepted value has exactly the same chance.
   * All arithmetic stays below 2^53, so it is exact in a JS number.
   */
  int(n: number): number {
    checkRange(n, 'int: n');
    if (n === 1) return 0;
    const b = bitLength(n - 1);
    const k = Math.ceil(b / 8);
    const topMask = 2 ** (b - 8 * (k - 1)) - 1; // bits kept from the first byte: 1..8
    for (;;) {
      let v = this.#byte() & topMask;
      for (let i = 1; i < k; i++) v = v * 256 + this.#byte();
      if (v < n) return v;
    }
  }

  /**
   * Index i with probability weights[i] / sum(weights). Weights are integers (not floats) so the
   * probabilities are exact ratios; sum must be at most 2^53. Zero weights are never picked.
   */
  weighted(weights: readonly number[]): number {
    if (weights.length === 0) throw new RangeError('weighted: weights must not be empty');
    let sum = 0;
    for (const w of weights) {
      if (!Number.isSafeInteger(w) || w < 0)
        throw new RangeError(`weighted: each weight must be a non-negative safe integer, got ${w}`);
      if (w > MAX_RANGE - sum) throw new RangeError('weighted: the sum of the weights exceeds 2^53');
      sum += w;
    }
    if (sum === 0) throw new RangeError('weighted: at least one weight must be positive');
    const r = this.int(sum);
    let cumulative = 0;
    for (let i = 0; ; i++) {
      cumulative += weights[i]!;
      if (cumulative > r) return i;
    }
  }

  /** A new array with the items in uniformly random order (Fisher-Yates, see module comment). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i >= 1; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /**
   * A number in [0, 1) on the grid k / 2^bits (resolution 2^-bits), each point equally likely;
   * bits is an integer in [1, 52]. For picking among n things use `int(n)`, never
   * `floor(float() * n)`: that is biased unless n is a power of two.
   */
  float(bits = 52): number {
    if (!Number.isInteger(bits) || bits < 1 || bits > 52)
      throw new RangeError(`float: bits must be an integer in [1, 52], got ${bits}`);
    return this.int(2 ** bits) / 2 ** bits;
  }
}

/** `new OutcomeReader(beta).int(n)`: one uniform integer in [0, n). */
export function uniformInt(beta: Uint8Array, n: number): number {
  return new OutcomeReader(beta).int(n);
}

/** `new OutcomeReader(beta).weighted(weights)`: one weighted index. */
export function weightedPick(beta: Uint8Array, weights: readonly number[]): number {
  return new OutcomeReader(beta).weighted(weights);
}

/** `new OutcomeReader(beta).shuffle(items)`: the items in a uniformly random order. */
export function shuffled<T>(beta: Uint8Array, items: readonly T[]): T[] {
  return new OutcomeReader(beta).shuffle(items);
}
