/**
 * Exact, exhaustive tests of vrf/outcome.ts: every possible byte sequence of a small domain is
 * fed through a scripted ByteSource and the outcomes are counted. No statistics, no sampling.
 */
import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  BetaStream,
  OutcomeReader,
  shuffled,
  uniformInt,
  weightedPick,
  type ByteSource,
} from '../../vrf/outcome.ts';

/** Thrown when a draw asks for more bytes than the script holds: "did not finish". */
class Exhausted extends Error {}
const EXHAUSTED = new Exhausted('script exhausted'); // one instance: throwing it is cheap

/** Replays a fixed byte sequence; reusable (reset) so that millions of runs stay cheap. */
class Script implements ByteSource {
  bytes: number[] = [];
  pos = 0;
  load(bytes: number[]): this {
    this.bytes = bytes;
    this.pos = 0;
    return this;
  }
  next(): number {
    const x = this.bytes[this.pos++];
    if (x === undefined) throw EXHAUSTED;
    return x;
  }
}

const reader = (bytes: number[]) => new OutcomeReader(new Script().load(bytes));

/** Runs `draw` on the bytes; undefined if it needed more bytes than given. */
function tryDraw<T>(bytes: number[], draw: (r: OutcomeReader) => T): { value: T; used: number } | undefined {
  const r = reader(bytes);
  try {
    return { value: draw(r), used: r.bytesConsumed };
  } catch (e) {
    if (e instanceof Exhausted) return undefined;
    throw e;
  }
}

describe('int(n), n needing one byte: all 65536 two-byte sequences (two attempts)', () => {
  // [n, bits b, first bytes rejected out of 256], worked out by hand: a byte x is rejected iff
  // (x mod 2^b) >= n, i.e. for (2^b - n) * 256 / 2^b of the 256 bytes.
  const cases: [number, number, number][] = [
    [2, 1, 0], [3, 2, 64], [5, 3, 96], [6, 3, 64], [7, 3, 32], [10, 4, 96],
    [37, 6, 108], [100, 7, 56], [255, 8, 1], [256, 8, 0],
  ];
  for (const [n, b, rejected] of cases) {
    it(`n = ${n}: ${rejected} of 256 first bytes rejected, all ${n} values equally often`, () => {
      const counts = new Array<number>(n).fill(0);
      let unfinished = 0;
      let firstAttemptRejects = 0;
      let wrong = 0;
      for (let x = 0; x < 256; x++) {
        for (let y = 0; y < 256; y++) {
          const out = tryDraw([x, y], (r) => r.int(n));
          if (out === undefined) { unfinished++; continue; }
          if (out.used === 2) firstAttemptRejects++;
          // The spec, independently: the value is the low b bits of the accepted byte.
          if (out.value !== (out.used === 1 ? x : y) % 2 ** b) wrong++;
          counts[out.value]!++; // an out-of-range value would add a key and fail toEqual below
        }
      }
      expect(wrong).toBe(0);
      expect(firstAttemptRejects).toBe(rejected * (256 - rejected));
      expect(unfinished).toBe(rejected * rejected); // both attempts rejected
      const accepted = 256 - rejected;
      const each = (accepted * 256 + rejected * accepted) / n;
      expect(Number.isInteger(each)).toBe(true);
      expect(counts).toEqual(new Array<number>(n).fill(each));
    });
  }

  it('n = 6 in detail: 64 rejected bytes are exactly those whose low 3 bits are 6 or 7', () => {
    const rejected: number[] = [];
    for (let x = 0; x < 256; x++) if (tryDraw([x], (r) => r.int(6)) === undefined) rejected.push(x);
    expect(rejected.length).toBe(64);
    expect(rejected.slice(0, 4)).toEqual([0x06, 0x07, 0x0e, 0x0f]);
    expect(rejected.every((x) => (x & 7) >= 6)).toBe(true);
  });
});

describe('int(n), n needing two bytes: all 65536 first attempts', () => {
  // [n, bits b, rejected of 65536]: rejected = (2^b - n) * 65536 / 2^b.
  const cases: [number, number, number][] = [
    [257, 9, 255 * 128], [300, 9, 212 * 128], [1000, 10, 24 * 64], [65535, 16, 1], [65536, 16, 0],
  ];
  for (const [n, b, rejected] of cases) {
    it(`n = ${n}: ${rejected} rejected, every value ${65536 / 2 ** b} times`, () => {
      const counts = new Array<number>(n).fill(0);
      let rejects = 0;
      let wrong = 0;
      for (let x = 0; x < 256; x++) {
        for (let y = 0; y < 256; y++) {
          const out = tryDraw([x, y], (r) => r.int(n));
          if (out === undefined) { rejects++; continue; }
          if (out.used !== 2 || out.value !== (x * 256 + y) % 2 ** b) wrong++;
          counts[out.value]!++;
        }
      }
      expect(wrong).toBe(0);
      expect(rejects).toBe(rejected);
      expect(counts).toEqual(new Array<number>(n).fill(65536 / 2 ** b));
    });
  }

  it('a rejected attempt is discarded whole and the next two bytes are read', () => {
    // n = 300, b = 9: 0x01 0x2c = 300 is rejected; 0xfe 0x05 -> low 9 bits 0x005 = 5.
    expect(tryDraw([0x01, 0x2c, 0xfe, 0x05], (r) => r.int(300))).toEqual({ value: 5, used: 4 });
  });
});

describe('int(n), large n (fixed bytes, expectation by BigInt)', () => {
  const ff = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  const big = (bytes: number[], bits: number) =>
    Number(BigInt('0x' + bytes.map((x) => x.toString(16).padStart(2, '0')).join('')) & ((1n << BigInt(bits)) - 1n));
  it('n = 2^32 reads 4 bytes, unmasked', () => {
    const bytes = [0xde, 0xad, 0xbe, 0xef];
    expect(tryDraw(bytes, (r) => r.int(2 ** 32))).toEqual({ value: 0xdeadbeef, used: 4 });
  });
  it('n = 2^32 + 1 reads 5 bytes and keeps 33 bits', () => {
    const bytes = [0xfe, 0x00, 0x00, 0x00, 0x07];
    expect(tryDraw(bytes, (r) => r.int(2 ** 32 + 1))).toEqual({ value: big(bytes, 33), used: 5 });
    expect(big(bytes, 33)).toBe(7);
  });
  it('n = 2^53 reads 7 bytes, keeps 53 bits, never rejects', () => {
    expect(tryDraw(ff, (r) => r.int(2 ** 53))).toEqual({ value: 2 ** 53 - 1, used: 7 });
    const bytes = [0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67];
    expect(tryDraw(bytes, (r) => r.int(2 ** 53))).toEqual({ value: big(bytes, 53), used: 7 });
  });
  it('n = 2^53 - 1 rejects the single value 2^53 - 1', () => {
    expect(tryDraw(ff, (r) => r.int(2 ** 53 - 1))).toBeUndefined();
  });
  it('n = 1 returns 0 and reads nothing', () => {
    expect(tryDraw([], (r) => r.int(1))).toEqual({ value: 0, used: 0 });
  });
});

/** All permutations of [0..k-1], as strings. */
function permutations(k: number): string[] {
  if (k === 0) return [''];
  return permutations(k - 1).flatMap((p) =>
    Array.from({ length: k }, (_, i) => p.slice(0, i) + String(k - 1) + p.slice(i)));
}

describe('shuffle', () => {
  it('3 items: all 65536 two-byte sequences, each of the 6 permutations 8192 times', () => {
    // Draws: int(3) (1 byte, 64 of 256 rejected) then int(2) (1 byte, never rejected). A sequence
    // finishes in two bytes iff the first is accepted: 192 * 256 = 49152 = 6 * 8192.
    const counts = new Map<string, number>();
    let unfinished = 0;
    for (let x = 0; x < 256; x++) {
      for (let y = 0; y < 256; y++) {
        const out = tryDraw([x, y], (r) => r.shuffle([0, 1, 2]));
        if (out === undefined) { unfinished++; continue; }
        const key = out.value.join('');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    expect(unfinished).toBe(64 * 256);
    expect([...counts.keys()].sort()).toEqual(permutations(3).sort());
    expect([...counts.values()]).toEqual(new Array<number>(6).fill(8192));
  });

  it('4 items: all 2^24 three-byte sequences, each of the 24 permutations 2^24 * 3/4 / 24 times', () => {
    // Draws: int(4), int(3), int(2), one byte each; only int(3) rejects (64 of 256).
    const counts = new Map<string, number>();
    const tally = new Int32Array(256); // key p0*64 + p1*16 + p2*4 + p3
    const script = new Script();
    const r = new OutcomeReader(script); // reused: a reader holds no state besides bytesConsumed
    const bytes = [0, 0, 0];
    let unfinished = 0;
    for (let v = 0; v < 1 << 24; v++) {
      bytes[0] = v >>> 16;
      bytes[1] = (v >>> 8) & 255;
      bytes[2] = v & 255;
      let p: number[];
      try {
        script.load(bytes);
        p = r.shuffle([0, 1, 2, 3]);
      } catch (e) {
        if (!(e instanceof Exhausted)) throw e;
        unfinished++;
        continue;
      }
      tally[p[0]! * 64 + p[1]! * 16 + p[2]! * 4 + p[3]!]!++;
    }
    for (let key = 0; key < 256; key++) {
      if (tally[key] === 0) continue;
      const s = [key >> 6, (key >> 4) & 3, (key >> 2) & 3, key & 3].join('');
      counts.set(s, tally[key]!);
    }
    expect(unfinished).toBe(64 * 256 * 256);
    expect([...counts.keys()].sort()).toEqual(permutations(4).sort());
    expect([...counts.values()]).toEqual(new Array<number>(24).fill((1 << 24) * 3 / 4 / 24));
  });

  it('follows Fisher-Yates exactly (hand-worked examples)', () => {
    // [0,0,0]: i=3,j=0 -> d b c a; i=2,j=0 -> c b d a; i=1,j=0 -> b c d a.
    expect(reader([0, 0, 0]).shuffle(['a', 'b', 'c', 'd'])).toEqual(['b', 'c', 'd', 'a']);
    // [1,2,1]: i=3,j=1 -> a d c b; i=2,j=2 and i=1,j=1 change nothing.
    expect(reader([1, 2, 1]).shuffle(['a', 'b', 'c', 'd'])).toEqual(['a', 'd', 'c', 'b']);
    // [1, 3 (rejected by int(3)), 0, 1]: i=3,j=1 -> a d c b; i=2,j=0 -> c d a b; i=1,j=1.
    expect(reader([1, 3, 0, 1]).shuffle(['a', 'b', 'c', 'd'])).toEqual(['c', 'd', 'a', 'b']);
  });

  it('leaves its input alone; 0 and 1 items read nothing', () => {
    const items = [1, 2, 3] as const;
    expect(reader([0, 0]).shuffle(items)).toEqual([2, 3, 1]);
    expect(items).toEqual([1, 2, 3]);
    const r = reader([]);
    expect(r.shuffle([])).toEqual([]);
    expect(r.shuffle(['x'])).toEqual(['x']);
    expect(r.bytesConsumed).toBe(0);
  });
});

describe('weighted', () => {
  it('[1, 2, 3, 0, 4]: all 256 bytes; counts proportional to the weights, index 3 never', () => {
    // sum 10 -> int(10): 4 bits, 96 of 256 rejected; each r in [0, 10) from 16 bytes.
    const expanded = [0, 1, 1, 2, 2, 2, 4, 4, 4, 4]; // index by r, written out by hand
    const counts = [0, 0, 0, 0, 0];
    let rejected = 0;
    for (let x = 0; x < 256; x++) {
      const out = tryDraw([x], (r) => r.weighted([1, 2, 3, 0, 4]));
      if (out === undefined) { rejected++; continue; }
      expect(out.value).toBe(expanded[x & 15]);
      counts[out.value]!++;
    }
    expect(rejected).toBe(96);
    expect(counts).toEqual([16, 32, 48, 0, 64]);
  });

  it('a single positive weight reads nothing', () => {
    expect(tryDraw([], (r) => r.weighted([0, 1, 0]))).toEqual({ value: 1, used: 0 });
  });
});

describe('float', () => {
  it('float(8): the 256 bytes give the 256 grid points k/256, each once', () => {
    const seen = new Map<number, number>();
    for (let x = 0; x < 256; x++) {
      const out = tryDraw([x], (r) => r.float(8));
      expect(out).toEqual({ value: x / 256, used: 1 });
      seen.set(out!.value, (seen.get(out!.value) ?? 0) + 1);
    }
    expect(seen.size).toBe(256);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    expect(Math.min(...seen.keys())).toBe(0);
    expect(Math.max(...seen.keys())).toBe(255 / 256);
  });
  it('float() = float(52): 7 bytes, the largest value is 1 - 2^-52 < 1', () => {
    const out = tryDraw([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], (r) => r.float());
    expect(out).toEqual({ value: 1 - 2 ** -52, used: 7 });
    expect(out!.value).toBeLessThan(1);
  });
});

describe('the beta stream', () => {
  const dst = utf8ToBytes('fairplay-outcome-v1');
  const read = (beta: Uint8Array, count: number) => {
    const r = new OutcomeReader(beta);
    const out = Uint8Array.from({ length: count }, () => r.int(256)); // int(256) = one raw byte
    expect(r.bytesConsumed).toBe(count);
    return out;
  };
  const beta32 = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
  const beta64 = Uint8Array.from({ length: 64 }, (_, i) => (255 - i * 3) & 255);

  it('32-byte beta: beta, then SHA-256(dst || beta || I2OSP(0,4)), then block 1', () => {
    const got = read(beta32, 96);
    expect(got.slice(0, 32)).toEqual(beta32);
    expect(got.slice(32, 64)).toEqual(sha256(concatBytes(dst, beta32, new Uint8Array([0, 0, 0, 0]))));
    expect(got.slice(64, 96)).toEqual(sha256(concatBytes(dst, beta32, new Uint8Array([0, 0, 0, 1]))));
  });

  it('64-byte beta, cross-checked with node:crypto', () => {
    const got = read(beta64, 64 + 32 * 3);
    expect(got.slice(0, 64)).toEqual(beta64);
    for (let i = 0; i < 3; i++) {
      const h = createHash('sha256').update('fairplay-outcome-v1', 'ascii').update(beta64)
        .update(Uint8Array.of(0, 0, 0, i)).digest();
      expect(got.slice(64 + 32 * i, 96 + 32 * i)).toEqual(new Uint8Array(h));
    }
  });

  it('BetaStream is the same stream as a plain ByteSource, and copies beta', () => {
    const beta = beta32.slice();
    const s = new BetaStream(beta);
    beta.fill(0); // later changes to the caller's array must not matter
    const got = Uint8Array.from({ length: 96 }, () => s.next());
    expect(got).toEqual(read(beta32, 96));
  });

  it('multi-byte draws read the stream big-endian', () => {
    const n = ((beta32[0]! << 24) | (beta32[1]! << 16) | (beta32[2]! << 8) | beta32[3]!) >>> 0;
    expect(uniformInt(beta32, 2 ** 32)).toBe(n);
  });
});

describe('determinism', () => {
  const beta = Uint8Array.from({ length: 32 }, (_, i) => i);
  const run = (b: Uint8Array) => {
    const r = new OutcomeReader(b);
    return [r.int(6), r.int(1000), r.weighted([5, 0, 7]), r.shuffle([...'abcdefgh']).join(''), r.float(), r.bytesConsumed];
  };

  it('the same beta gives the same results, also through the helpers', () => {
    expect(run(beta)).toEqual(run(beta.slice()));
    expect(uniformInt(beta, 37)).toBe(new OutcomeReader(beta).int(37));
    expect(weightedPick(beta, [3, 1])).toBe(new OutcomeReader(beta).weighted([3, 1]));
    expect(shuffled(beta, [1, 2, 3, 4, 5])).toEqual(new OutcomeReader(beta).shuffle([1, 2, 3, 4, 5]));
  });

  it('one flipped bit changes an int(2^32) draw', () => {
    // beta = 00 01 02 ... 1f; the first draw reads bytes 00 01 02 03.
    const flipped = beta.slice();
    flipped[0]! ^= 0x01;
    expect(uniformInt(beta, 2 ** 32)).toBe(0x00010203);
    expect(uniformInt(flipped, 2 ** 32)).toBe(0x01010203);
    // A flip in the last byte leaves the first draws alone but changes every hash block.
    const last = beta.slice();
    last[31]! ^= 0x80;
    const r1 = new OutcomeReader(beta);
    const r2 = new OutcomeReader(last);
    for (let i = 0; i < 7; i++) expect(r1.int(2 ** 32)).toBe(r2.int(2 ** 32));
    expect(r1.int(2 ** 32)).toBe(0x1c1d1e1f);
    expect(r2.int(2 ** 32)).toBe(0x1c1d1e9f);
    expect(r1.int(2 ** 32)).not.toBe(r2.int(2 ** 32)); // first 4 bytes of block 0
  });
});

describe('errors', () => {
  const r = () => reader(new Array<number>(64).fill(0));
  it.each([0, -1, 1.5, 2 ** 53 + 2, NaN, Infinity])('int(%s) throws', (n) => {
    expect(() => r().int(n)).toThrow(RangeError);
    expect(() => r().int(n)).toThrow(/int: n must be an integer in \[1, 2\^53\]/);
  });
  it('weighted rejects bad weights', () => {
    expect(() => r().weighted([])).toThrow(/must not be empty/);
    expect(() => r().weighted([0, 0])).toThrow(/at least one weight must be positive/);
    expect(() => r().weighted([-1, 2])).toThrow(/non-negative safe integer, got -1/);
    expect(() => r().weighted([1.5])).toThrow(/non-negative safe integer, got 1.5/);
    expect(() => r().weighted([2 ** 53 - 1, 2])).toThrow(/exceeds 2\^53/);
    expect(() => r().weighted([])).toThrow(RangeError);
    expect(r().weighted([2 ** 53 - 1, 1])).toBe(0); // exactly 2^53 is allowed
  });
  it.each([0, 53, 1.5])('float(%s) throws', (bits) => {
    expect(() => r().float(bits)).toThrow(RangeError);
    expect(() => r().float(bits)).toThrow(/bits must be an integer in \[1, 52\]/);
  });
  it('beta must be 32 or 64 bytes; a ByteSource must yield bytes', () => {
    expect(() => new OutcomeReader([1, 2, 3] as unknown as Uint8Array)).toThrow(/32 or 64 bytes/);
    expect(() => new OutcomeReader(new Uint8Array(31))).toThrow(/32 or 64 bytes/);
    expect(() => new OutcomeReader(new Uint8Array(48))).toThrow(RangeError);
    expect(() => reader([256]).int(2)).toThrow(/\[0, 255\], got 256/);
    expect(() => reader([-1]).int(2)).toThrow(RangeError);
  });
});
