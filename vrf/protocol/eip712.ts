/**
 * EIP-712 for the protocol's few flat structs, encoded directly: every struct the protocol signs
 * has fields of five types only (string, uint64, bytes32, address[], bytes32[]), so each hashes
 * in a few keccak calls instead of ethers' generic encoder (about 0.5 ms a struct, on a room's
 * event loop, for every record). Signers are recovered with @noble/curves, or with the curve
 * backend a caller passes (the server's is WASM). A test checks every
 * struct against ethers' `TypedDataEncoder` and `verifyTypedData` on random values.
 *
 * Values are given as records hold them: bytes32 as 64 hex digits (an 0x prefix is accepted),
 * addresses as 0x and 40 hex digits, uint64 as safe integers.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { getAddress, TypedDataEncoder, type TypedDataField } from 'ethers';
import { bytesToHex, concatBytes, hexBytes, hexToBytes, utf8ToBytes } from './encoding.ts';

export type FieldType = 'string' | 'uint64' | 'bytes32' | 'address[]' | 'bytes32[]';
export type StructValue = Record<string, string | number | readonly string[]>;

export interface Domain {
  readonly name: string;
  readonly version: string;
}

export interface TypedStruct {
  readonly name: string;
  /** As ethers and wallets take them: `{ [name]: fields }`. */
  readonly types: Record<string, TypedDataField[]>;
  /** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(value)): what is signed. */
  digest(value: StructValue): Uint8Array;
  /** The value with bytes32 fields as 0x hex: the message a wallet or ethers signs. */
  message(value: StructValue): Record<string, unknown>;
}

const strip0x = (h: string): string => (h.startsWith('0x') ? h.slice(2) : h);

function uint64(n: unknown): Uint8Array {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`uint64 field: ${String(n)} is not a non-negative safe integer`);
  const out = new Uint8Array(32);
  new DataView(out.buffer).setBigUint64(24, BigInt(n));
  return out;
}

function encodeField(type: FieldType, name: string, v: unknown): Uint8Array {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw new Error(`${name} must be a string`);
      return keccak_256(utf8ToBytes(v));
    case 'uint64':
      return uint64(v);
    case 'bytes32':
      if (typeof v !== 'string') throw new Error(`${name} must be hex`);
      return hexBytes(strip0x(v).toLowerCase(), 32, name);
    case 'address[]':
      if (!Array.isArray(v)) throw new Error(`${name} must be a list`);
      return keccak_256(concatBytes(...v.map((a: string) => concatBytes(new Uint8Array(12), hexBytes(strip0x(a).toLowerCase(), 20, name)))));
    case 'bytes32[]':
      if (!Array.isArray(v)) throw new Error(`${name} must be a list`);
      return keccak_256(concatBytes(...v.map((h: string) => hexBytes(strip0x(h).toLowerCase(), 32, name))));
  }
}

/** Defines a struct of `fields` (in order) signed under `domain`. */
export function defineStruct(domain: Domain, name: string, fields: readonly (readonly [string, FieldType])[]): TypedStruct {
  const types = { [name]: fields.map(([n, type]) => ({ name: n, type })) };
  const separator = hexToBytes(TypedDataEncoder.hashDomain(domain).slice(2));
  const typeHash = keccak_256(utf8ToBytes(`${name}(${fields.map(([n, t]) => `${t} ${n}`).join(',')})`));
  return {
    name,
    types,
    digest(value) {
      const struct = keccak_256(concatBytes(typeHash, ...fields.map(([n, t]) => encodeField(t, n, value[n]))));
      return keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), separator, struct));
    },
    message(value) {
      return Object.fromEntries(
        fields.map(([n, t]) => {
          const v = value[n];
          if (t === 'bytes32') return [n, '0x' + strip0x(String(v)).toLowerCase()];
          if (t === 'bytes32[]') return [n, (v as string[]).map((h) => '0x' + strip0x(h).toLowerCase())];
          return [n, v];
        }),
      );
    },
  };
}

const HALF_N = secp256k1.Point.CURVE().n >> 1n;

/**
 * Recovers the signer's uncompressed public key (0x04 ‖ x ‖ y, 65 bytes) from a 32-byte digest,
 * r ‖ s (64 bytes) and the recovery bit; throws when no key recovers. `recoverSigner` has checked
 * r and s (both in [1, n-1], s in its low half) before it calls one. The default is @noble/curves,
 * which runs everywhere; the server passes a faster one (server/fairness/secp256k1-wasm.ts) that
 * must give the same key.
 */
export type PublicKeyRecovery = (digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1) => Uint8Array;

/**
 * The address whose key made `signature` over `digest`. The signature is 0x and 65 bytes:
 * r ‖ s ‖ v, v 27 or 28 (0 or 1 accepted), s in its low half (EIP-2). Throws otherwise.
 * Every rule is checked here, whichever `recoverPublicKey` does the curve work.
 */
export function recoverSigner(digest: Uint8Array, signature: string, recoverPublicKey?: PublicKeyRecovery): string {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new Error('signature must be 0x and 65 bytes of hex');
  const bytes = hexToBytes(signature.slice(2).toLowerCase());
  const v = bytes[64]!;
  const recovery = v === 27 || v === 28 ? v - 27 : v === 0 || v === 1 ? v : -1;
  if (recovery < 0) throw new Error(`signature v must be 27 or 28, got ${v}`);
  const compact = bytes.subarray(0, 64);
  // Parsing checks r and s are in [1, n-1], for either recovery.
  const sig = secp256k1.Signature.fromBytes(compact, 'compact');
  if (sig.s > HALF_N) throw new Error('non-canonical s: the signature is not in its low-s form');
  const bit = recovery === 0 ? 0 : 1;
  const publicKey = recoverPublicKey
    ? recoverPublicKey(digest, compact, bit)
    : sig.addRecoveryBit(bit).recoverPublicKey(digest).toBytes(false);
  return getAddress('0x' + bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12)));
}
