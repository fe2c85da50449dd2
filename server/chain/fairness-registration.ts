/**
 * Brings the FairnessRegistry's slots in line with what the server runs: its VRF key, its receipt
 * signer and each game's rules hash. A slot whose entry in force now, or whose latest entry,
 * already holds the value is left alone (nothing is sent, so a restart costs no gas); any other
 * value is registered, which the registry delays by its changeDelay unless it is the slot's first
 * entry. Each slot is reported with its latest entry, so the server can warn while a registered
 * change is still pending.
 * @module
 */
import type { Contract } from 'ethers';
import { mined } from './mined.ts';

/** What the server runs, as the registry's slots hold it. */
export interface FairnessValues {
  /** The VRF key: key id as 16 hex digits, public key as hex (0x optional). */
  readonly vrfKey: { readonly keyId: string; readonly suite: string; readonly publicKey: string };
  /** The receipt signer's address. */
  readonly signer: string;
  /** Each game's rules hash (64 hex digits, 0x optional). */
  readonly rules: readonly { readonly game: string; readonly rulesHash: string }[];
}

/** One slot after registration: what the server wants there and what the chain holds. */
export interface SlotStatus {
  /** `vrfKey`, `signer`, or `rules:<game>`. */
  readonly slot: string;
  /** The server's value (key id, address or rules hash), 0x-prefixed and lower case. */
  readonly wanted: string;
  /** The value in force at the chain's latest block, or null when none is. */
  readonly inForce: string | null;
  /** The slot's latest entry, and from when (seconds) it is in force. */
  readonly latest: { readonly value: string; readonly activeFrom: number };
  /** True while the latest entry's activeFrom is still ahead of the chain's clock. */
  readonly pending: boolean;
  /** True when this call registered `wanted`. */
  readonly registered: boolean;
}

const hex0x = (h: string): string => (h.startsWith('0x') ? h : '0x' + h).toLowerCase();

interface Entries {
  readonly values: string[];
  readonly activeFrom: number[];
}

async function entries(read: () => Promise<unknown>): Promise<Entries> {
  const [values, activeFrom] = (await read()) as [string[], bigint[]];
  return { values: values.map((v) => v.toLowerCase()), activeFrom: activeFrom.map(Number) };
}

/** The value in force at `now` (the last entry already active), or null. */
function inForceAt(e: Entries, now: number): string | null {
  let value: string | null = null;
  for (const [i, from] of e.activeFrom.entries()) if (from <= now) value = e.values[i]!;
  return value;
}

/** The slot is fine as it is when the value is in force now or is its latest entry. */
const holds = (e: Entries, wanted: string, now: number): boolean => inForceAt(e, now) === wanted || e.values.at(-1) === wanted;

/**
 * Registers every value of `values` the registry lacks; returns each slot's status. With
 * `readOnly` (a registry whose admin key the server does not hold) nothing is sent: the statuses
 * say what is missing.
 */
export async function registerFairnessValues(registry: Contract, values: FairnessValues, { readOnly = false } = {}): Promise<SlotStatus[]> {
  const provider = registry.runner?.provider;
  if (!provider) throw new Error('the registry contract has no provider');
  const now = async () => (await provider.getBlock('latest'))!.timestamp;
  const send = async (method: string, ...args: unknown[]) => {
    await mined(provider, await registry.getFunction(method)(...args));
  };
  const slots: { slot: string; wanted: string; read: () => Promise<Entries>; register: () => Promise<void> }[] = [
    {
      slot: 'vrfKey',
      wanted: hex0x(values.vrfKey.keyId),
      read: () => entries(() => registry.getFunction('vrfKeyEntries')()),
      register: () => send('registerVrfKey', hex0x(values.vrfKey.keyId), values.vrfKey.suite, hex0x(values.vrfKey.publicKey)),
    },
    {
      slot: 'signer',
      wanted: values.signer.toLowerCase(),
      read: () => entries(() => registry.getFunction('signerEntries')()),
      register: () => send('registerSigner', values.signer),
    },
    ...values.rules.map(({ game, rulesHash }) => ({
      slot: `rules:${game}`,
      wanted: hex0x(rulesHash),
      read: () => entries(() => registry.getFunction('rulesEntries')(game)),
      register: () => send('registerRules', game, hex0x(rulesHash)),
    })),
  ];
  if (!readOnly) await checkVrfKey(registry, values.vrfKey);
  const statuses: SlotStatus[] = [];
  for (const s of slots) {
    let e = await s.read();
    let registered = false;
    if (!readOnly && !holds(e, s.wanted, await now())) {
      await s.register();
      e = await s.read();
      registered = true;
    }
    const t = await now();
    const latest = { value: e.values.at(-1)!, activeFrom: e.activeFrom.at(-1)! };
    statuses.push({ slot: s.slot, wanted: s.wanted, inForce: inForceAt(e, t), latest, pending: latest.activeFrom > t, registered });
  }
  return statuses;
}

/**
 * A key id names one public key for good: registered with another key, it is refused here, and
 * registered but no longer latest nor in force, it cannot be registered again (the registry
 * refuses a key id twice): both are a configuration error to fix, not something to send.
 */
async function checkVrfKey(registry: Contract, key: FairnessValues['vrfKey']): Promise<void> {
  const [, publicKey] = (await registry.getFunction('vrfKey')(hex0x(key.keyId))) as [string, string, bigint];
  if (publicKey === '0x') return;
  if (publicKey.toLowerCase() !== hex0x(key.publicKey)) throw new Error(`key id ${key.keyId} is registered in the fairness registry with another public key`);
  const e = await entries(() => registry.getFunction('vrfKeyEntries')());
  const now = (await registry.runner!.provider!.getBlock('latest'))!.timestamp;
  if (!holds(e, hex0x(key.keyId), now))
    throw new Error(`key id ${key.keyId} was replaced in the fairness registry and a key id is registered once: use a new VRF key`);
}
