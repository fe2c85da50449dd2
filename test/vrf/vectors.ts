/**
 * Committed test vectors, typed for the tests: RFC 9381 Appendix B (test/vectors/rfc9381.json),
 * our ECVRF-SECP256K1-SHA256-TAI vectors (secp256k1-fe.json) and the published secp256k1 vectors of
 * earlier drafts (secp256k1-published.json). Each file says where its values came from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '@noble/hashes/utils.js';

export interface VectorExample {
  example: number;
  sk: string;
  pk: string;
  alpha: string;
  x: string;
  tai_ctr?: number;
  h2c_uniform_bytes?: string;
  h2c_u?: string;
  h2c_x1?: string;
  h2c_gx1?: string;
  h2c_gx1_is_square?: boolean;
  h: string;
  k: string;
  k_string?: string;
  u: string;
  v: string;
  pi: string;
  beta: string;
  gamma: string;
  c: string;
  s: string;
}

export interface VectorSuite {
  suite_string: string;
  examples: VectorExample[];
}

const load = (name: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../vectors/${name}`, import.meta.url)), 'utf8'));

/** The four RFC 9381 suites, by name. */
export const vectorSuites: Record<string, VectorSuite> = (load('rfc9381.json') as { suites: Record<string, VectorSuite> }).suites;

/** Our ECVRF-SECP256K1-SHA256-TAI vectors: same fields as the RFC's, tai_ctr always set. */
export const secp256k1Vectors = load('secp256k1-fe.json') as VectorSuite & { suite: string };

/** One published secp256k1 example: what its source file gives. */
export interface PublishedExample {
  sk: string;
  pk: string;
  alpha: string;
  pi: string;
  beta: string;
}

export interface PublishedSet {
  source: string;
  claims: string;
  construction: 'draft-06' | 'draft-10';
  nonce: 'rfc9381' | 'witnet' | 'unknown';
  reproduces: string;
  examples: PublishedExample[];
}

export const publishedSecp256k1 = (load('secp256k1-published.json') as { sets: Record<string, PublishedSet> }).sets;

/** Every suite with vectors, RFC and ours, for table-driven tests over all five suites. */
export const allVectorSuites: Record<string, VectorSuite> = { ...vectorSuites, [secp256k1Vectors.suite]: secp256k1Vectors };
export const hex = hexToBytes;
