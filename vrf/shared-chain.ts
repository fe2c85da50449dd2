/**
 * One point times several secret scalars, all sharing a single doubling chain.
 *
 * A prove multiplies the same fresh point H by two secrets (x for Gamma, k for k*H). A table
 * built per point does not pay for itself on two uses, but the doublings 2^(4j)*H do: Yao's
 * method walks them once and drops each one into a bucket per scalar, chosen by that scalar's
 * signed 4-bit digit. The sequence of point operations depends only on the scalar bit length,
 * never on scalar values: every window adds exactly once per scalar (a zero digit adds into a
 * discarded bucket), and bucket reads and writes touch all buckets. As with `@noble/curves`,
 * the bigint arithmetic underneath is not constant-time at the engine level.
 * @module
 */
import type { GroupPoint } from './curves.ts';

const WINDOW = 4;
const HALF = 1 << (WINDOW - 1); // signed digits lie in [-HALF + 1, HALF]

/** Fixed-length signed base-16 recoding: n = sum(d[j] * 16^j), d[j] in [-7, 8]. */
function signedDigits(n: bigint, windows: number): Int8Array {
  const digits = new Int8Array(windows);
  for (let j = 0; j < windows; j++) {
    let v = Number(n & 15n);
    n >>= 4n;
    if (v > HALF) {
      v -= 16;
      n += 1n;
    }
    digits[j] = v;
  }
  if (n !== 0n) throw new Error('scalar is wider than the declared bit length');
  return digits;
}

/**
 * Returns `scalars[i] * point` for each i. Every scalar must be in [0, 2^bits).
 * `zero` is the group identity. Results are in projective form (normalize before encoding).
 */
export function multiplyShared<P extends GroupPoint<P>>(
  zero: P,
  point: P,
  scalars: readonly bigint[],
  bits: number,
): P[] {
  const windows = Math.ceil(bits / WINDOW) + 1; // one extra window for the final carry
  const digits = scalars.map((n) => signedDigits(n, windows));
  const buckets: P[][] = scalars.map(() => new Array<P>(HALF + 1).fill(zero));
  let q = point;
  for (let j = 0; j < windows; j++) {
    if (j > 0) for (let i = 0; i < WINDOW; i++) q = q.double();
    const negated = q.negate();
    for (let i = 0; i < scalars.length; i++) {
      const d = digits[i]![j]!;
      const index = d < 0 ? -d : d;
      const row = buckets[i]!;
      let selected = row[0]!;
      for (let t = 1; t <= HALF; t++) selected = t === index ? row[t]! : selected;
      const sum = selected.add(d < 0 ? negated : q);
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
