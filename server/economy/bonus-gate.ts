/**
 * The sybil gate on the starting bonus (docs/economy.md). Signing in costs nothing, so a new
 * address gets its bonus (`STARTING_CHIPS`, the ledger's `grant/<address>` entry) at its first
 * authenticated room join only if, within `BONUS_WINDOW_SECONDS`, fewer than `BONUS_PER_IP`
 * bonuses went to its client IP and fewer than `BONUS_PER_SESSION_KEY` to its session key (the
 * key its sign-in delegates draws to; the address itself when it names none). The IP is kept as
 * HMAC-SHA-256 under a secret key (`keys.ts`, `bonus-ip.key`), never as itself; the client key
 * is the rate limits' (an IPv4 address, or an IPv6 /64: `limits/client-ip.ts`).
 *
 * With `BONUS_AFTER_DEPOSIT_COINS` > 0 the bonus is granted instead at the address's first
 * deposit of at least that many coins (`afterDeposit`, asked by the deposit watcher).
 *
 * A refused address is not refused the join: it plays with what it has (0 chips until it
 * deposits), and its chips answer says why (`refusal`). The grant, its `bonus_grants` row and the
 * check of the counts are one transaction (`ChipLedger.transact`); on PostgreSQL grants take a
 * transaction-scoped advisory lock in turn, so two joins from one IP at once cannot both pass.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import type { DialectName } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { Secret } from '../log.ts';

/** The advisory lock bonus grants take in turn on PostgreSQL (any constant; "bonus" in ASCII). */
const GRANT_LOCK = 0x626f6e7573;
/** Addresses remembered as settled (granted, now or before) or refused, per process. */
const REMEMBERED = 100_000;

export interface BonusGateOptions {
  readonly chips: ChipLedger;
  readonly dialect: DialectName;
  /** Keys the HMAC of client IPs. */
  readonly ipKey: Secret<Uint8Array>;
  readonly perIp: number;
  readonly perSessionKey: number;
  readonly windowSeconds: number;
  /** 0: the bonus at first join; else only at a first deposit of at least this many coins. */
  readonly afterDepositCoins: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** A join's or a deposit's verdict: granted now, had it before, or refused (with the reason in words). */
export type BonusVerdict = { readonly granted: 'now' | 'before' } | { readonly granted: false; readonly reason: string };

export class BonusGate {
  /** Addresses that have their bonus: their joins need no query. */
  readonly #settled = new Set<string>();
  /** Why an address was refused, for its chips answer. */
  readonly #refusals = new Map<string, string>();

  constructor(private readonly o: BonusGateOptions) {}

  /** At an authenticated room join: grants the bonus if the gate allows (idempotent: once per address). */
  async atJoin(player: { readonly address: string; readonly sessionKey?: string | undefined }, clientKey: string): Promise<BonusVerdict> {
    const address = player.address.toLowerCase();
    if (this.o.chips.startingUnits === 0 || this.#settled.has(address)) return { granted: 'before' };
    if (this.o.afterDepositCoins > 0) return this.#refuse(address, `the starting bonus of free chips comes with a first deposit of at least ${plural(this.o.afterDepositCoins, 'coin')}`);
    const ipKey = bytesToHex(hmac(sha256, this.o.ipKey.reveal(), utf8ToBytes(clientKey)));
    const sessionKey = (player.sessionKey ?? address).toLowerCase();
    return this.#grant(address, async (trx) => {
      const since = this.#now() - this.o.windowSeconds * 1000;
      if ((await countSince(trx, 'ip_key', ipKey, since)) >= this.o.perIp)
        return `no free starting chips for this address: ${this.#others(this.o.perIp)} got them from the same internet connection within the last ${duration(this.o.windowSeconds)}. Deposit coins to play, or join again later`;
      if ((await countSince(trx, 'session_key', sessionKey, since)) >= this.o.perSessionKey)
        return `no free starting chips for this address: its sign-in key got them for ${this.#others(this.o.perSessionKey)} within the last ${duration(this.o.windowSeconds)}`;
      return { ipKey, sessionKey };
    });
  }

  /** At a deposit credited (the deposit watcher): with BONUS_AFTER_DEPOSIT_COINS set, a deposit of at least that many coins brings the bonus, once. */
  async afterDeposit(address: string, coins: number): Promise<BonusVerdict> {
    const key = address.toLowerCase();
    const need = this.o.afterDepositCoins;
    if (need === 0 || this.o.chips.startingUnits === 0 || this.#settled.has(key)) return { granted: 'before' };
    if (coins < need) return this.#refuse(key, `the starting bonus of free chips comes with a deposit of at least ${plural(need, 'coin')}; this one was ${plural(coins, 'coin')}`);
    return this.#grant(key, async () => ({ ipKey: 'deposit', sessionKey: 'deposit' }));
  }

  /** Why this process last refused the address its bonus, if it did and it has none since. */
  refusal(address: string): string | undefined {
    return this.#refusals.get(address.toLowerCase());
  }

  /** In one transaction: had it before, or the check (a reason to refuse, or the row's keys), the row and the grant. */
  async #grant(address: string, check: (trx: Kysely<Schema>) => Promise<string | { ipKey: string; sessionKey: string }>): Promise<BonusVerdict> {
    const verdict = await this.o.chips.transact<BonusVerdict>(async (trx) => {
      if (this.o.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${GRANT_LOCK})`.execute(trx);
      const entry = this.o.chips.bonusEntry(address);
      if (await trx.selectFrom('chip_entries').select('ref').where('ref', '=', entry.ref).executeTakeFirst()) return { entries: [], value: { granted: 'before' } };
      const checked = await check(trx);
      if (typeof checked === 'string') return { entries: [], value: { granted: false, reason: checked } };
      await trx
        .insertInto('bonus_grants')
        .values({ address, ip_key: checked.ipKey, session_key: checked.sessionKey, granted_at: this.#now() })
        .onConflict((oc) => oc.column('address').doNothing())
        .execute();
      return { entries: [entry], value: { granted: 'now' } };
    });
    if (verdict.granted === false) return this.#refuse(address, verdict.reason);
    this.#refusals.delete(address);
    remember(this.#settled, address);
    if (verdict.granted === 'now') this.o.log?.info({ address }, 'starting bonus granted');
    return verdict;
  }

  #refuse(address: string, reason: string): BonusVerdict {
    if (this.#refusals.size >= REMEMBERED) this.#refusals.clear();
    this.#refusals.set(address, reason);
    return { granted: false, reason };
  }

  #others(n: number): string {
    return n === 1 ? 'another address' : `${n} other addresses`;
  }

  #now(): number {
    return this.o.now?.() ?? Date.now();
  }
}

async function countSince(trx: Kysely<Schema>, column: 'ip_key' | 'session_key', value: string, since: number): Promise<number> {
  const row = await trx
    .selectFrom('bonus_grants')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(column, '=', value)
    .where('granted_at', '>', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

function remember(set: Set<string>, key: string): void {
  if (set.size >= REMEMBERED) set.clear();
  set.add(key);
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** 86400 → "24 hours"; 90 → "90 seconds". */
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}
