/**
 * libsodium's edwards25519 primitives called on its WebAssembly exports directly, with buffers
 * allocated once. The wrapper functions of libsodium-wrappers allocate, copy, check and free on
 * every call, about 8 us each, where a scalar reduction itself takes well under one: a prove
 * makes about 17 calls, so that is a sixth of its time. Same functions, same results, same
 * refusals (a -1 from libsodium throws here as it does in the wrappers).
 *
 * The input and output slots are zeroed after each call, so no secret scalar stays in the
 * WebAssembly heap between calls.
 * @module
 */
import type { SodiumEd25519 } from './sodium-ed25519.ts';

/** The raw exports used (libsodium-wrappers' `libsodium` property once `ready`). */
export interface RawSodium {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _crypto_scalarmult_ed25519_noclamp(q: number, n: number, p: number): number;
  _crypto_scalarmult_ed25519_base_noclamp(q: number, n: number): number;
  _crypto_core_ed25519_add(r: number, p: number, q: number): number;
  _crypto_core_ed25519_sub(r: number, p: number, q: number): number;
  _crypto_core_ed25519_scalar_reduce(r: number, s: number): void;
  _crypto_core_ed25519_scalar_mul(z: number, x: number, y: number): void;
  _crypto_core_ed25519_scalar_add(z: number, x: number, y: number): void;
  /** The 64-bit length is passed as two 32-bit halves (low, high). */
  _crypto_hash_sha512(out: number, input: number, lengthLow: number, lengthHigh: number): number;
}

const RAW_FUNCTIONS = [
  '_malloc',
  '_free',
  '_crypto_scalarmult_ed25519_noclamp',
  '_crypto_scalarmult_ed25519_base_noclamp',
  '_crypto_core_ed25519_add',
  '_crypto_core_ed25519_sub',
  '_crypto_core_ed25519_scalar_reduce',
  '_crypto_core_ed25519_scalar_mul',
  '_crypto_core_ed25519_scalar_add',
  '_crypto_hash_sha512',
] as const;

/** Is `value` a loaded libsodium module with every export used here? */
export function isRawSodium(value: unknown): value is RawSodium {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['HEAPU8'] instanceof Uint8Array && RAW_FUNCTIONS.every((f) => typeof v[f] === 'function');
}

const SLOT = 64;

export function rawSodiumEd25519(raw: RawSodium): SodiumEd25519 {
  const out = raw._malloc(3 * SLOT);
  const a = out + SLOT;
  const b = a + SLOT;
  let message = raw._malloc(512);
  let messageCapacity = 512;
  // HEAPU8 is replaced when the WebAssembly memory grows: read it on every use.
  const put = (ptr: number, bytes: Uint8Array) => raw.HEAPU8.set(bytes, ptr);
  const take = (length: number) => raw.HEAPU8.slice(out, out + length);
  const wipe = () => raw.HEAPU8.fill(0, out, out + 3 * SLOT);
  const call = (what: string, length: number, status: number | void): Uint8Array => {
    const result = take(length);
    wipe();
    if (status === -1) throw new Error(`libsodium refused ${what}`);
    return result;
  };
  /** A call on one input (a scalar, or a 64-byte value to reduce) with a 32-byte result. */
  const one = (what: string, fn: (r: number, x: number) => number | void) => (x: Uint8Array): Uint8Array => {
    put(a, x);
    return call(what, 32, fn(out, a));
  };
  /** A call on two 32-byte inputs (points or scalars) with a 32-byte result. */
  const two = (what: string, fn: (r: number, x: number, y: number) => number | void) => (x: Uint8Array, y: Uint8Array): Uint8Array => {
    put(a, x);
    put(b, y);
    return call(what, 32, fn(out, a, b));
  };
  return {
    crypto_scalarmult_ed25519_noclamp: two('scalarmult_ed25519_noclamp', (r, n, p) => raw._crypto_scalarmult_ed25519_noclamp(r, n, p)),
    crypto_scalarmult_ed25519_base_noclamp: one('scalarmult_ed25519_base_noclamp', (r, n) => raw._crypto_scalarmult_ed25519_base_noclamp(r, n)),
    crypto_core_ed25519_add: two('core_ed25519_add', (r, p, q) => raw._crypto_core_ed25519_add(r, p, q)),
    crypto_core_ed25519_sub: two('core_ed25519_sub', (r, p, q) => raw._crypto_core_ed25519_sub(r, p, q)),
    crypto_core_ed25519_scalar_reduce: one('scalar_reduce', (r, x) => raw._crypto_core_ed25519_scalar_reduce(r, x)),
    crypto_core_ed25519_scalar_mul: two('scalar_mul', (r, x, y) => raw._crypto_core_ed25519_scalar_mul(r, x, y)),
    crypto_core_ed25519_scalar_add: two('scalar_add', (r, x, y) => raw._crypto_core_ed25519_scalar_add(r, x, y)),
    crypto_hash_sha512(m) {
      if (m.length > messageCapacity) {
        raw._free(message);
        messageCapacity = m.length;
        message = raw._malloc(messageCapacity);
      }
      put(message, m);
      const digest = call('hash_sha512', 64, raw._crypto_hash_sha512(out, message, m.length, 0));
      raw.HEAPU8.fill(0, message, message + m.length); // a secret key is hashed here too
      return digest;
    },
  };
}
