/**
 * The byte and JSON encodings of the fairness protocol (FAIRNESS.md sections 2 to 4), shared by
 * the server that writes them and every verifier that reads them.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Values a protocol record may hold: no floats, no undefined, so the encoding is unambiguous. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/**
 * Canonical JSON (the RFC 8785 subset our records need): object keys sorted by UTF-16 code
 * units, no whitespace, strings as JSON.stringify writes them, numbers only as safe integers.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds only safe integers, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as { [k: string]: JsonValue };
  const keys = Object.keys(obj).sort();
  return `{${keys
    .map((k) => {
      const v = obj[k];
      if (v === undefined) throw new TypeError(`canonical JSON has no undefined (key "${k}")`);
      return `${JSON.stringify(k)}:${canonicalJson(v)}`;
    })
    .join(',')}}`;
}

/** SHA-256 of the canonical JSON of a value, as lowercase hex. */
export function jsonHash(value: JsonValue): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(value))));
}

/** A length-prefixed field: 4-byte big-endian length, then the bytes. */
export function field(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

export function u64(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`u64 needs a non-negative safe integer, got ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** Strict lowercase-or-uppercase hex of an exact byte length (0x prefix allowed). */
export function hexBytes(hex: string, length: number, what: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (clean.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(clean))
    throw new TypeError(`${what} must be ${length} bytes of hex`);
  return hexToBytes(clean.toLowerCase());
}

export { bytesToHex, concatBytes, hexToBytes, sha256, utf8ToBytes };
