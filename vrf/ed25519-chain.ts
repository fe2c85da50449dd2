/**
 * Extended-coordinate edwards25519 arithmetic for the one hot loop of a prove: the shared
 * doubling chain of `scalar-mul.ts`, which is three quarters of its cost.
 *
 * Why not noble's points there: every noble field operation reduces with a generic `%`, and
 * every point is range-checked and frozen on construction. Here coordinates stay partly reduced
 * (folding 2^255 = 19 twice keeps them below 2^256) and subtractions add multiples of p to stay
 * non-negative, so a doubling costs eight multiplications and sixteen cheap folds. Points enter
 * from noble and leave as noble points, fully reduced. The formulas are the complete ones
 * noble uses (dbl-2008-hwcd, add-2008-hwcd-3 for a = -1), valid for every input pair.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { ChainPoint } from './scalar-mul.ts';

type NoblePoint = InstanceType<typeof ed25519.Point>;

const P = ed25519.Point.Fp.ORDER; // 2^255 - 19
const P2 = 2n * P;
const P4 = 4n * P;
const LOW = (1n << 255n) - 1n;
const D2 = (2n * ed25519.Point.CURVE().d) % P;

/** x mod p up to a small multiple: below 2^255 + 2^20 (so below 2p) for any x below 2^520. */
function fold(x: bigint): bigint {
  x = (x & LOW) + 19n * (x >> 255n);
  return (x & LOW) + 19n * (x >> 255n);
}

/** An edwards25519 point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z. */
export class ChainEdPoint implements ChainPoint<ChainEdPoint> {
  static readonly ZERO = new ChainEdPoint(0n, 1n, 1n, 0n);

  private constructor(
    readonly X: bigint,
    readonly Y: bigint,
    readonly Z: bigint,
    readonly T: bigint,
  ) {}

  static from(p: NoblePoint): ChainEdPoint {
    return new ChainEdPoint(p.X, p.Y, p.Z, p.T);
  }

  toNoble(): NoblePoint {
    return new ed25519.Point(this.X % P, this.Y % P, this.Z % P, this.T % P);
  }

  double(): ChainEdPoint {
    const { X, Y, Z } = this;
    const A = fold(X * X);
    const B = fold(Y * Y);
    const C = fold(2n * Z * Z);
    const XY = X + Y;
    const E = fold(XY * XY) + P4 - A - B;
    const G = B + P2 - A;
    const F = G + P2 - C;
    const H = P4 - A - B;
    return new ChainEdPoint(fold(E * F), fold(G * H), fold(F * G), fold(E * H));
  }

  add(o: ChainEdPoint): ChainEdPoint {
    const A = fold((this.Y + P2 - this.X) * (o.Y + P2 - o.X));
    const B = fold((this.Y + this.X) * (o.Y + o.X));
    const C = fold(fold(this.T * D2) * o.T);
    const D = fold(2n * this.Z * o.Z);
    const E = B + P2 - A;
    const F = D + P2 - C;
    const G = D + C;
    const H = B + A;
    return new ChainEdPoint(fold(E * F), fold(G * H), fold(F * G), fold(E * H));
  }

  negate(): ChainEdPoint {
    return new ChainEdPoint(P2 - this.X, this.Y, this.Z, P2 - this.T);
  }
}
