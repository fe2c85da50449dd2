/**
 * The worked example's published bytes (test/vectors/onchain-worked-example.json, copied from
 * FAIRNESS.md section 9), typed, and the random inputs the on-chain library tests share.
 */
import { readFileSync } from 'node:fs';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import type { SeededRandom } from '../helpers/seed.ts';

export interface AlphaVector {
  readonly what: string;
  readonly suite: string;
  readonly keyId: string;
  readonly roomId: string;
  readonly drawSeq: number;
  readonly game: string;
  readonly kind: string;
  readonly action: JsonValue;
  readonly players: readonly string[];
  readonly seeds: readonly string[];
  readonly prevHash: string;
  readonly alpha: string;
}

export interface StreamVector {
  readonly what: string;
  readonly beta: string;
  readonly ints: readonly number[];
  readonly values: readonly number[];
  readonly consumed?: number;
}

export interface LootVector {
  readonly what: string;
  readonly beta: string;
  readonly weights: readonly number[];
  readonly index: number;
}

export const WORKED = JSON.parse(readFileSync(new URL('../vectors/onchain-worked-example.json', import.meta.url), 'utf8')) as {
  readonly alpha: readonly AlphaVector[];
  readonly streams: readonly StreamVector[];
  readonly loot: readonly LootVector[];
};

/** `length` random bytes as `0x` hex. */
export function randomHex(rng: SeededRandom, length: number): string {
  return '0x' + Array.from({ length }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
}

/** A random 32- or 64-byte beta. */
export function randomBeta(rng: SeededRandom): Uint8Array {
  return Uint8Array.from({ length: rng.int(0, 1) ? 64 : 32 }, () => rng.int(0, 255));
}

export const hex = (bytes: Uint8Array): string => '0x' + Buffer.from(bytes).toString('hex');
