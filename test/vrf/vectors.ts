/** RFC 9381 Appendix B test vectors (test/vectors/rfc9381.json, committed), typed for the tests. */
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

const path = fileURLToPath(new URL('../vectors/rfc9381.json', import.meta.url));
const file = JSON.parse(readFileSync(path, 'utf8')) as { suites: Record<string, VectorSuite> };

export const vectorSuites: Record<string, VectorSuite> = file.suites;
export const hex = hexToBytes;
