/**
 * What the browser asks the server: the fairness parameters (pinned on first sight), sign-in
 * nonces, awards and room listings. Same origin as the page.
 * @module
 */
import type { TrustedKeys } from '../../vrf/protocol/transcript.ts';

export interface Fairness extends TrustedKeys {
  readonly keyId: string;
  /** Each game's title, the hash of its rules document, and the server's policy for it (a bet limit, a round's length). */
  readonly games: Readonly<Record<string, { readonly title: string; readonly rulesHash: string; readonly terms: Readonly<Record<string, unknown>> }>>;
  /**
   * rpcUrl: the server's own JSON-RPC endpoint (reads and raw transactions only); registry and
   * court: the FairnessRegistry and RevealCourt contracts (an address, or an object with the
   * address and the contract's published terms), when the server publishes them.
   */
  readonly chain: { readonly chainId: string; readonly gameAssets: string; readonly rpcUrl: string; readonly registry?: Published; readonly court?: Published };
}

/** A contract as /fairness names it: its address, or an object holding it beside its terms. */
export type Published = string | { readonly address: string };

/** The address of a published contract, if there is one. */
export function addressOf(published: Published | undefined): string | undefined {
  return typeof published === 'string' ? published : published?.address;
}

export interface AwardView {
  readonly awardId: string;
  readonly tokenId: number;
  readonly amount: number;
  readonly status: 'pending' | 'accumulating' | 'capped' | 'minted';
  readonly txHash?: string;
  /** accumulating: the player's pending amount of the token, and the least that is minted. */
  readonly have?: number;
  readonly need?: number;
  readonly until?: string;
  readonly note?: string;
  readonly source: { readonly roomId: string; readonly drawSeq: number; readonly recordHash: string };
}

export interface RoomListing {
  readonly roomId: string;
  /** Seats taken, counting those held for dropped players during the reconnection grace. */
  readonly clients: number;
  /** Players connected now (for rooms of the process that answered). */
  readonly connected?: number;
  readonly maxClients: number;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const PIN_KEY = 'fairplay.pinnedKeys';

export interface PinnedKeys {
  readonly keys: Fairness;
  /** Set when the server now shows other keys than the ones pinned on first visit. */
  readonly changed?: { readonly pinned: TrustedKeys; readonly live: TrustedKeys };
}

/**
 * The server's keys, pinned the first time this browser saw them. If the server later shows
 * different keys, the pinned ones stay in force and the caller warns the player.
 */
export async function pinnedFairness(): Promise<PinnedKeys> {
  const live = await getJson<Fairness>('/fairness');
  const stored = localStorage.getItem(PIN_KEY);
  // The rules are pinned with the keys: a changed edge warns the player as a changed key does.
  const pin = (k: TrustedKeys) => JSON.stringify({ suite: k.suite, publicKey: k.publicKey, receiptSigner: k.receiptSigner, rules: k.rules ?? null });
  if (!stored) {
    localStorage.setItem(PIN_KEY, pin(live));
    return { keys: live };
  }
  let pinned = JSON.parse(stored) as TrustedKeys;
  if (!('rules' in pinned)) {
    // Pinned before rules were published: this is the first sight of them.
    pinned = { ...pinned, ...(live.rules ? { rules: live.rules } : {}) };
    localStorage.setItem(PIN_KEY, pin(pinned));
  }
  if (pin(pinned) === pin(live)) return { keys: live };
  return { keys: { ...live, ...pinned }, changed: { pinned, live } };
}

/** Accept the server's current keys as the new pin (after the player was warned). */
export function repin(keys: TrustedKeys): void {
  localStorage.setItem(PIN_KEY, JSON.stringify({ suite: keys.suite, publicKey: keys.publicKey, receiptSigner: keys.receiptSigner, rules: keys.rules ?? null }));
}
