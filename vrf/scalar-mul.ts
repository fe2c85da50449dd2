/**
 * Constant-operation-count scalar multiplication for the secrets of a prove.
 *
 * `multiplyShared`: one point times several secret scalars, sharing one doubling chain. A prove multiplies the same fresh point H by two secrets (x for Gamma, k for k*H). A table
 * built per point does not pay for itself on two uses, but the doublings 2^(4j)*H do: Yao's
 * method walks them once and drops each one into a bucket per scalar, chosen by that scalar's
 * signed 4-bit digit. The sequence of point operations depends only on the scalar bit length,
 * never on scalar values: every window adds exactly once per scalar (a zero digit adds into a
 * discarded bucket), and bucket reads and writes touch all buckets.
 *
 * `fixedBaseMultiplier`: the generator times a secret scalar from a table of signed multiples
 * per window, one addition per window (a zero digit adds the identity), every entry scanned.
 *
 * As with `@noble/curves`, the bigint arithmetic underneath is not constant-time at the engine
 * level; what is fixed is the sequence of point operations and table accesses.
 * @module
 */
/** The point operations a multiplication needs; noble's points and `ChainEdPoint` have them. */
export interface ChainPoint<P> {
  add(other: P): P;
  double(): P;
  negate(): P;
}

const WINDOW = 4;
const HALF = 1 << (WINDOW - 1);

/**
 * Fixed-length signed recoding in base 2^w: n = sum(d[j] * 2^(w*j)), d[j] in [-2^(w-1)+1, 2^(w-1)].
 * The length depends on `bits` only, never on n.
 */
export function signedDigits(n: bigint, w: number, bits: number): Int8Array {
  const windows = Math.ceil(bits / w) + 1; // one extra window for the final carry
  const size = 1 << w;
  const mask = BigInt(size - 1);
  const shift = BigInt(w);
  const digits = new Int8Array(windows);
  for (let j = 0; j < windows; j++) {
    let v = Number(n & mask);
    n >>= shift;
    if (v > size / 2) {
      v -= size;
      n += 1n;
    }
    digits[j] = v;
  }
  if (n !== 0n) throw new Error('scalar is wider than the declared bit length');
  return digits;
}

/** Picks row[index] after reading every entry, so the access pattern does not show the index. */
function select<P>(row: readonly P[], index: number): P {
  let selected = row[0]!;
  for (let t = 1; t < row.length; t++) selected = t === index ? row[t]! : selected;
  return selected;
}

/**
 * Returns a function computing `n * base` for secret n in [0, 2^bits). The table (built on first
 * use) holds, per window j, the identity and the multiples 1..2^(w-1) of 2^(w*j) * base.
 */
export function fixedBaseMultiplier<P extends ChainPoint<P>>(
  base: P,
  zero: P,
  bits: number,
  w = 6,
): (n: bigint) => P {
  let table: P[][] | undefined;
  const build = (): P[][] => {
    const windows = Math.ceil(bits / w) + 1;
    const rows: P[][] = [];
    let b = base;
    for (let j = 0; j < windows; j++) {
      const row = [zero, b];
      for (let i = 2; i <= 1 << (w - 1); i++) row.push(row[i - 1]!.add(b));
      rows.push(row);
      b = row[row.length - 1]!.double();
    }
    return rows;
  };
  return (n) => {
    table ??= build();
    const digits = signedDigits(n, w, bits);
    let acc = zero;
    for (let j = 0; j < digits.length; j++) {
      const d = digits[j]!;
      const entry = select(table[j]!, d < 0 ? -d : d);
      const negated = entry.negate();
      acc = acc.add(d < 0 ? negated : entry);
    }
    return acc;
  };
}

/**
 * Returns `scalars[i] * point` for each i. Every scalar must be in [0, 2^bits).
 * `zero` is the group identity. Results are in projective form (normalize before encoding).
 */
export function multiplyShared<P extends ChainPoint<P>>(
  zero: P,
  point: P,
  scalars: readonly bigint[],
  bits: number,
): P[] {
  const digits = scalars.map((n) => signedDigits(n, WINDOW, bits));
  const windows = digits[0]?.length ?? 0;
  const buckets: P[][] = scalars.map(() => new Array<P>(HALF + 1).fill(zero));
  let q = point;
  for (let j = 0; j < windows; j++) {
    if (j > 0) for (let i = 0; i < WINDOW; i++) q = q.double();
    const negated = q.negate();
    for (let i = 0; i < scalars.length; i++) {
      const d = digits[i]![j]!;
      const index = d < 0 ? -d : d;
      const row = buckets[i]!;
      const sum = select(row, index).add(d < 0 ? negated : q);
      for (let t = 0; t <= HALF; t++) row[t] = t === index ? sum : row[t]!;
    }
  }
  // sum over v of v * bucket[v], by running sums from the top bucket down.
  return buckets.map((row) => {
    let running = zero;
    let total = zero;
    for (let v = HALF; v >= 1; v--) {
      running = running.add(row[v]!);
      total = total.add(running);
    }
    return total;
  });
}
