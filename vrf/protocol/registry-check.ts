/**
 * Receipts against the fairness registry on chain (FAIRNESS.md section 7a). The registry keeps
 * append-only slots, the VRF key, the receipt signer and each game's rules hash, each a list of
 * entries in force from their `activeFrom` (seconds) until the next entry's; a change applies
 * only `changeDelay` after it was registered, so a player sees it before it binds them. A receipt
 * issued at `issuedAt` ms is judged at `t = floor(issuedAt / 1000)`: its signer, key id and rules
 * hash must each be the entry in force at t. Pure: the entries are read from the chain once per
 * verification (`chain-registry.ts`), then every receipt is checked here without a call.
 * @module
 */
import { receiptSigner } from './receipt.ts';
import type { ReceiptRecord } from './records.ts';

/** One entry of a slot: its value (lowercase hex as receipts hold it, addresses 0x-prefixed) and when it applies from, in seconds. */
export interface RegistryEntry {
  readonly value: string;
  readonly activeFrom: number;
}

/** Every slot of the registry, each in registration order (so `activeFrom` ascending). */
export interface RegistryEntries {
  /** Seconds between a change's registration and its `activeFrom`. */
  readonly changeDelay: number;
  /** Receipt signers: 0x and 40 hex digits, lowercase. */
  readonly signers: readonly RegistryEntry[];
  /** VRF key ids: 16 hex digits, as receipts' `keyId`. */
  readonly vrfKeys: readonly RegistryEntry[];
  /** Rules hashes (64 hex digits) by game id. */
  readonly rules: Readonly<Record<string, readonly RegistryEntry[]>>;
  /**
   * The suite and public key (hex, lowercase, no 0x) the registry holds for each key id
   * (`vrfKey(keyId)`). A key id is a 64-bit hash, so two keys with one id can be found: the
   * verifier's public key must be the registered one itself, not merely hash to a registered id.
   */
  readonly vrfPublicKeys?: Readonly<Record<string, { readonly suite: string; readonly publicKey: string }>>;
}

/** Why the verifier's pinned VRF key is not the one the registry holds for `keyId`, or undefined (also when the entries hold no public keys). */
export function vrfPublicKeyProblem(keyId: string, pinned: { readonly suite: string; readonly publicKey: string }, entries: RegistryEntries): string | undefined {
  if (!entries.vrfPublicKeys) return undefined;
  const registered = Object.hasOwn(entries.vrfPublicKeys, keyId) ? entries.vrfPublicKeys[keyId] : undefined;
  if (!registered) return `VRF key ${keyId} has no public key registered on chain`;
  if (registered.suite !== pinned.suite || registered.publicKey !== pinned.publicKey.replace(/^0x/, '').toLowerCase())
    return `the pinned VRF public key is not the one registered on chain for key id ${keyId}`;
  return undefined;
}

/** The entry of `slot` in force at `t` seconds: the last one whose activeFrom is at or before t. */
export function entryAt(slot: readonly RegistryEntry[], t: number): RegistryEntry | undefined {
  let found: RegistryEntry | undefined;
  for (const entry of slot) if (entry.activeFrom <= t) found = entry;
  return found;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const short = (value: string): string => (value.length > 12 ? `${value.slice(0, value.startsWith('0x') ? 6 : 4)}…` : value);

/** Why `value` is not the entry of `slot` in force at t, or undefined. */
function slotProblem(what: string, slot: readonly RegistryEntry[], value: string, t: number, is = 'is'): string | undefined {
  const inForce = entryAt(slot, t);
  if (inForce?.value === value) return undefined;
  const registered = slot.find((e) => e.value === value);
  const now = inForce ? `; in force then: ${short(inForce.value)}` : '; nothing was in force then';
  if (!registered) return `${what} ${is} not registered on chain${now}`;
  if (registered.activeFrom > t) return `${what} ${is} not in force on chain at ${iso(t)}: registered to apply from ${iso(registered.activeFrom)}${now}`;
  return `${what} ${is} not in force on chain at ${iso(t)}: replaced from ${iso(slot[slot.indexOf(registered) + 1]!.activeFrom)}${now}`;
}

/**
 * What is wrong with a receipt against the registry's entries, or []: the signer (recovered from
 * its signature, or `signer` when the caller has recovered it already), its key id and its rules
 * hash must each be the entry in force at floor(issuedAt / 1000). Never throws.
 */
export function registryProblems(receipt: ReceiptRecord, entries: RegistryEntries, signer?: string): string[] {
  const t = Math.floor(receipt.issuedAt / 1000);
  const problems: string[] = [];
  try {
    const recovered = (signer ?? receiptSigner(receipt)).toLowerCase();
    const p = slotProblem(`receipt signer ${recovered}`, entries.signers, recovered, t);
    if (p) problems.push(p);
  } catch (e) {
    problems.push(`receipt signature: ${(e as Error).message}`);
  }
  const key = slotProblem(`VRF key ${receipt.keyId}`, entries.vrfKeys, receipt.keyId, t);
  if (key) problems.push(key);
  if (receipt.rulesHash === undefined) problems.push(`the receipt names no rules hash: its rules cannot be checked against the chain`);
  else {
    // An own property only: a game named `constructor` or `__proto__` must not find Object's.
    const rules = slotProblem(`rules ${short(receipt.rulesHash)} of ${receipt.game}`, (Object.hasOwn(entries.rules, receipt.game) ? entries.rules[receipt.game]! : []), receipt.rulesHash, t, 'are');
    if (rules) problems.push(rules);
  }
  return problems;
}
