/**
 * Used seed commitments in the database: a row per (VRF key id, commitment), whose primary key
 * makes a second use impossible, for every process that shares the database (the SQLite file of
 * one host, or Postgres).
 *
 * A claim inserts all of a draw's commitments in one transaction (`insert … on conflict do
 * nothing returning`): if any was already there, the ones this claim inserted are deleted in the
 * same transaction and the claim is refused with `CommitmentUsed` naming the one used. The claims
 * of one event-loop turn share a transaction, each still all or none. Two processes claiming one
 * commitment at once: the database's key gives it to one, and the other's insert finds it.
 *
 * A claim is committed (on disk, with SQLite's `synchronous=FULL`) before its receipt is signed,
 * so a restart refuses it even if the receipt never became durable: harmless, since the player
 * commits to a fresh seed. The durable receipts' commitments are written too, as their records
 * come (idempotently), which is how a new or restored database is refilled from the transcripts
 * (`catchUpIndexes`): the commitments go under the key id the receipt names.
 * @module
 */
import type { Kysely } from 'kysely';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { CommitmentUsed, distinct, type CommitmentRegistry } from './commitments.ts';
import { SqlRecordIndex } from './sql-record-index.ts';

interface Claim {
  readonly commitments: readonly string[];
  resolve(): void;
  reject(err: unknown): void;
}

export class SqlCommitmentRegistry extends SqlRecordIndex implements CommitmentRegistry {
  readonly #keyId: string;
  #claims: Claim[] = [];
  #scheduled = false;

  constructor(database: Database, keyId: string) {
    super(database, 'commitments');
    this.#keyId = keyId.toLowerCase();
  }

  claim(commitments: readonly string[]): Promise<void> {
    let fresh: string[];
    try {
      fresh = distinct(commitments);
    } catch (err) {
      return Promise.reject(err);
    }
    if (fresh.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#claims.push({ commitments: fresh, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        const claims = this.#claims;
        this.#claims = [];
        void this.#claimAll(claims);
      });
    });
  }

  protected wants(record: HashedRecord): boolean {
    return record.type === 'receipt';
  }

  protected async write(trx: Kysely<Schema>, records: readonly HashedRecord[]): Promise<void> {
    const rows = records.flatMap((r) => (r.type === 'receipt' ? r.commitments.map((c) => ({ key_id: r.keyId.toLowerCase(), commitment: c.toLowerCase() })) : []));
    if (rows.length === 0) return;
    await trx
      .insertInto('used_commitments')
      .values(rows)
      .onConflict((oc) => oc.columns(['key_id', 'commitment']).doNothing())
      .execute();
  }

  /** One transaction for the claims of a turn; each claim all or none. */
  async #claimAll(claims: readonly Claim[]): Promise<void> {
    let verdicts: (string | undefined)[];
    try {
      verdicts = await this.database.transaction(async (trx) => {
        const out: (string | undefined)[] = [];
        for (const claim of claims) {
          const inserted = await trx
            .insertInto('used_commitments')
            .values(claim.commitments.map((commitment) => ({ key_id: this.#keyId, commitment })))
            .onConflict((oc) => oc.columns(['key_id', 'commitment']).doNothing())
            .returning('commitment')
            .execute();
          if (inserted.length === claim.commitments.length) {
            out.push(undefined);
            continue;
          }
          const taken = new Set(inserted.map((r) => r.commitment));
          // None of this claim: give back what it took (inserted by this very transaction).
          if (taken.size > 0) await trx.deleteFrom('used_commitments').where('key_id', '=', this.#keyId).where('commitment', 'in', [...taken]).execute();
          out.push(claim.commitments.find((c) => !taken.has(c)));
        }
        return out;
      });
    } catch (err) {
      const failed = new Error(`could not claim seed commitments in the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
      for (const claim of claims) claim.reject(failed);
      return;
    }
    claims.forEach((claim, i) => {
      const used = verdicts[i];
      if (used === undefined) claim.resolve();
      else claim.reject(new CommitmentUsed(used));
    });
  }
}
