/**
 * One seed for a test run's random choices, so that a randomized test (crash timing, fast-check
 * properties) can be replayed: the seed comes from the TEST_SEED environment variable or is drawn
 * once per test file, and is printed as `TEST_SEED=<n>` so that
 *
 *   TEST_SEED=<n> npx vitest run test/server/restart.test.ts
 *
 * makes the same choices again. Each test derives its own generator from the seed and a label, so
 * its choices do not depend on which other tests ran before it.
 */
import { randomInt } from 'node:crypto';
import { onTestFailed } from 'vitest';

function drawSeed(): number {
  const raw = process.env['TEST_SEED'];
  if (raw === undefined || raw === '') return randomInt(0, 2 ** 31);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`TEST_SEED must be an integer, not ${JSON.stringify(raw)}`);
  return n;
}

/** This file's seed (every test file draws its own unless TEST_SEED is set). */
export const TEST_SEED = drawSeed();

/** 32-bit FNV-1a of a string, to mix a label into the seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** mulberry32: a small, fast PRNG with 32 bits of state; plenty for choosing test inputs. */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1), like Math.random. */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** An independent generator for one part of the test (a player, a round), so that concurrent parts drawing in any order still replay. */
  fork(label: string): SeededRandom;
}

/** Prints how to replay, now (unless `quiet`) and again should the running test fail. */
function announce(label: string, quiet = false): void {
  const line = `${label}: TEST_SEED=${TEST_SEED} replays this run's random choices`;
  if (!quiet) console.log(line);
  try {
    onTestFailed(() => console.error(`failed with ${line}`));
  } catch {
    // Called outside a running test (at collection): the line above is enough.
  }
}

function generator(label: string): SeededRandom {
  const next = mulberry32(TEST_SEED ^ fnv1a(label));
  return {
    seed: TEST_SEED,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    fork: (part) => generator(`${label}/${part}`),
  };
}

/** A generator for one test's random choices, seeded from TEST_SEED and the label. */
export function seededRandom(label: string): SeededRandom {
  announce(label);
  return generator(label);
}

let propertiesAnnounced = false;

/**
 * fast-check parameters with the run's seed: `fc.assert(property, propertyParams('label', { numRuns: 40 }))`.
 * The seed is printed once per file, and again with the label if a property fails.
 */
export function propertyParams<P extends object>(label: string, params?: P): P & { seed: number } {
  if (!propertiesAnnounced) console.log(`fast-check properties: TEST_SEED=${TEST_SEED} replays their inputs`);
  propertiesAnnounced = true;
  announce(label, true);
  return { ...(params ?? ({} as P)), seed: (TEST_SEED ^ fnv1a(label)) | 0 };
}
