/**
 * Where issued sign-in nonces wait to be used, with a quota: each client (see `server/limits/client-ip.ts`)
 * may hold a bounded number of outstanding nonces, and the store as a whole a bounded number.
 * A full quota refuses the new nonce (the client is told when to retry); it never evicts a
 * nonce already issued, so a flood from one client cannot knock out another's sign-in.
 * A nonce leaves the quota when it is used or when it expires.
 * @module
 */

/** Bounds on outstanding (issued, unused, unexpired) nonces. */
export interface NonceQuota {
  /** Per client. */
  readonly perClient: number;
  /** In the whole store. */
  readonly total: number;
}

/** A nonce refused because a quota is full; `retryAfterMs`: until the oldest nonce under it expires. */
export class NonceQuotaExceeded extends Error {
  override readonly name = 'NonceQuotaExceeded';
  constructor(
    readonly scope: 'client' | 'store',
    readonly retryAfterMs: number,
  ) {
    super(scope === 'client' ? 'too many unused sign-in nonces from this address: use one, or wait until they expire' : 'too many unused sign-in nonces outstanding: try again later');
  }
}

/** Issued, unused nonces. `take` is atomic: of two verifications of one nonce, one gets it. */
export interface NonceStore {
  /** Holds `nonce` for `ttlMs` under `client`'s quota; rejects with `NonceQuotaExceeded` when a quota is full. */
  put(nonce: string, issuedAt: number, ttlMs: number, client: string): Promise<void>;
  /** Forgets the nonce and returns when it was issued, or undefined if it is unknown or expired. */
  take(nonce: string, now: number): Promise<number | undefined>;
}

export function checkQuota(quota: NonceQuota): NonceQuota {
  for (const [name, value] of Object.entries(quota))
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`nonce quota: ${name} must be a positive integer, got ${value}`);
  return quota;
}

interface Outstanding {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly client: string;
}

/** Nonces in this process's memory. */
export class MemoryNonceStore implements NonceStore {
  // Insertion order is issue order and every nonce has the same TTL, so the first entries expire
  // first: pruning only ever looks at the front of the map (and of each client's set).
  readonly #outstanding = new Map<string, Outstanding>();
  readonly #byClient = new Map<string, Set<string>>();
  readonly #quota: NonceQuota;

  constructor(quota: NonceQuota) {
    this.#quota = checkQuota(quota);
  }

  async put(nonce: string, issuedAt: number, ttlMs: number, client: string): Promise<void> {
    this.#prune(issuedAt);
    const mine = this.#byClient.get(client);
    if (mine && mine.size >= this.#quota.perClient) throw new NonceQuotaExceeded('client', this.#expiresAt(mine.values().next().value) - issuedAt);
    if (this.#outstanding.size >= this.#quota.total) throw new NonceQuotaExceeded('store', this.#expiresAt(this.#outstanding.keys().next().value) - issuedAt);
    this.#outstanding.set(nonce, { issuedAt, expiresAt: issuedAt + ttlMs, client });
    if (mine) mine.add(nonce);
    else this.#byClient.set(client, new Set([nonce]));
  }

  async take(nonce: string, now: number): Promise<number | undefined> {
    const entry = this.#outstanding.get(nonce);
    if (entry) this.#forget(nonce, entry);
    return entry && now < entry.expiresAt ? entry.issuedAt : undefined;
  }

  #prune(now: number): void {
    for (const [nonce, entry] of this.#outstanding) {
      if (now < entry.expiresAt) break;
      this.#forget(nonce, entry);
    }
  }

  #forget(nonce: string, entry: Outstanding): void {
    this.#outstanding.delete(nonce);
    const mine = this.#byClient.get(entry.client);
    mine?.delete(nonce);
    if (mine?.size === 0) this.#byClient.delete(entry.client);
  }

  #expiresAt(nonce: string | undefined): number {
    return (nonce && this.#outstanding.get(nonce)?.expiresAt) || 0;
  }
}
