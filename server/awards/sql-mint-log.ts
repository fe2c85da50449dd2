/**
 * The mint log in the database (`server/db/`, SQLite or Postgres): a row per transaction in
 * `mint_txs` (primary key: its hash), the awards each carried in `mint_tx_awards`, and in
 * `minted_awards` which confirmed transaction minted each award, keyed by (contract, award id):
 * an award is minted at most once per contract, whatever is recorded. Every entry is one
 * transaction, committed before its promise resolves; nothing per transaction or award is kept
 * in memory. One process writes (the minter, one per cluster by lease); any process reads.
 * @module
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import { nextNumber } from '../db/numbering.ts';
import type { MintTxsTable, Schema } from '../db/schema.ts';
import type { Confirmation, Mint, MintEntry, MintLog, SentTx, SettledTx } from './mint-log.ts';

/** Ids asked about in one statement; confirmations read in one page. */
const CHUNK = 500;
const PAGE = 100;

export class SqlMintLog implements MintLog {
  readonly contract: string;

  /** The log of mints on `contract` (an address, any case). */
  constructor(
    private readonly database: Database,
    contract: string,
  ) {
    this.contract = contract.toLowerCase();
  }

  apply(entries: readonly MintEntry[]): Promise<void> {
    return this.database.transaction(async (trx) => {
      for (const e of entries) await applyEntry(trx, this.database.dialect, e);
    });
  }

  recordSent(tx: Omit<SentTx, 'kind' | 'contract'>): Promise<void> {
    return this.apply([{ kind: 'sent', contract: this.contract, ...tx }]);
  }

  recordConfirmed(c: Omit<Confirmation, 'kind' | 'contract'>): Promise<void> {
    return this.apply([{ kind: 'confirmed', contract: this.contract, ...c }]);
  }

  recordVoided(hash: string, reason: string): Promise<void> {
    return this.apply([{ kind: 'voided', contract: this.contract, hash, reason }]);
  }

  async mintedCount(): Promise<number> {
    const row = await this.database.db
      .selectFrom('minted_awards')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('contract', '=', this.contract)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async mintOf(awardId: string): Promise<Mint | undefined> {
    return (await this.mintsOf([awardId])).get(awardId);
  }

  async mintsOf(awardIds: readonly string[]): Promise<Map<string, Mint>> {
    const out = new Map<string, Mint>();
    for (let i = 0; i < awardIds.length; i += CHUNK) {
      const rows = await this.database.db
        .selectFrom('minted_awards')
        .innerJoin('mint_txs', 'mint_txs.hash', 'minted_awards.hash')
        .select(['minted_awards.award_id', 'mint_txs.hash', 'mint_txs.block_number', 'mint_txs.block_hash'])
        .where('minted_awards.contract', '=', this.contract)
        .where('minted_awards.award_id', 'in', awardIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.award_id, { hash: r.hash, blockNumber: Number(r.block_number), blockHash: r.block_hash ?? '' });
    }
    return out;
  }

  async mayBeOnChain(awardIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < awardIds.length; i += CHUNK) {
      const rows = await this.database.db
        .selectFrom('mint_tx_awards')
        .innerJoin('mint_txs', 'mint_txs.hash', 'mint_tx_awards.hash')
        .leftJoin('minted_awards', (join) => join.onRef('minted_awards.award_id', '=', 'mint_tx_awards.award_id').on('minted_awards.contract', '=', this.contract))
        .select('mint_tx_awards.award_id')
        .where('mint_txs.contract', '=', this.contract)
        .where('minted_awards.award_id', 'is', null)
        .where('mint_tx_awards.award_id', 'in', awardIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.add(r.award_id);
    }
    return out;
  }

  async sentWith(awardId: string): Promise<SettledTx[]> {
    const rows = await this.database.db
      .selectFrom('mint_tx_awards')
      .innerJoin('mint_txs', 'mint_txs.hash', 'mint_tx_awards.hash')
      .selectAll('mint_txs')
      .where('mint_tx_awards.award_id', '=', awardId)
      .where('mint_txs.contract', '=', this.contract)
      .where('mint_txs.nonce', 'is not', null)
      .orderBy('mint_txs.n', 'desc')
      .execute();
    return rows.map((r) => ({ kind: 'sent', contract: r.contract, hash: r.hash, nonce: Number(r.nonce), awardIds: JSON.parse(r.award_ids ?? '[]') as string[] }));
  }

  async unresolved(): Promise<SentTx[]> {
    const rows = await this.database.db
      .selectFrom('mint_txs')
      .selectAll()
      .where('contract', '=', this.contract)
      .where('state', '=', 'sent')
      .orderBy('nonce')
      .orderBy('n')
      .execute();
    return rows.map((r) => ({ kind: 'sent', contract: r.contract, hash: r.hash, nonce: Number(r.nonce), raw: r.raw ?? '0x', awardIds: JSON.parse(r.award_ids ?? '[]') as string[] }));
  }

  async mintedPerPlayerFrom(blockNumber: number): Promise<Map<string, number>> {
    const rows = await this.database.db
      .selectFrom('minted_awards')
      .innerJoin('mint_txs', 'mint_txs.hash', 'minted_awards.hash')
      .innerJoin('awards', 'awards.award_id', 'minted_awards.award_id')
      .select((eb) => ['awards.address', eb.fn.countAll().as('count')])
      .where('minted_awards.contract', '=', this.contract)
      .where('mint_txs.block_number', '>=', blockNumber)
      .groupBy('awards.address')
      .execute();
    return new Map(rows.map((r) => [r.address, Number(r.count)]));
  }

  async newestConfirmation(): Promise<Confirmation | undefined> {
    const row = await this.#confirmedTxs().limit(1).executeTakeFirst();
    return row && (await this.#withAwards([row]))[0];
  }

  async *confirmationsNewestFirst(): AsyncIterable<Confirmation> {
    let after: { block: number; n: number } | undefined;
    for (;;) {
      let query = this.#confirmedTxs().limit(PAGE);
      if (after) {
        const { block, n } = after;
        query = query.where((eb) => eb.or([eb('block_number', '<', block), eb.and([eb('block_number', '=', block), eb('n', '<', n)])]));
      }
      const rows = await query.execute();
      for (const c of await this.#withAwards(rows)) yield c;
      if (rows.length < PAGE) return;
      after = { block: Number(rows.at(-1)!.block_number), n: Number(rows.at(-1)!.n) };
    }
  }

  #confirmedTxs() {
    return this.database.db
      .selectFrom('mint_txs')
      .selectAll()
      .where('contract', '=', this.contract)
      .where('state', '=', 'confirmed')
      .orderBy('block_number', 'desc')
      .orderBy('n', 'desc');
  }

  /** The confirmations of these transactions: each with the awards it minted. */
  async #withAwards(rows: readonly Selectable<MintTxsTable>[]): Promise<Confirmation[]> {
    if (rows.length === 0) return [];
    const minted = await this.database.db
      .selectFrom('minted_awards')
      .select(['hash', 'award_id'])
      .where('contract', '=', this.contract)
      .where(
        'hash',
        'in',
        rows.map((r) => r.hash),
      )
      .orderBy('award_id')
      .execute();
    return rows.map((r) => ({
      kind: 'confirmed',
      contract: r.contract,
      hash: r.hash,
      blockNumber: Number(r.block_number),
      blockHash: r.block_hash ?? '',
      awardIds: minted.filter((m) => m.hash === r.hash).map((m) => m.award_id),
    }));
  }
}

/** One entry, inside its transaction. Applying a log's entries again, in order, leaves the same rows. */
async function applyEntry(trx: Kysely<Schema>, dialect: Database['dialect'], e: MintEntry): Promise<void> {
  const contract = e.contract.toLowerCase();
  const known = await trx.selectFrom('mint_txs').select('hash').where('hash', '=', e.hash).executeTakeFirst();
  switch (e.kind) {
    case 'sent': {
      if (known) return;
      const n = await nextNumber(trx, dialect, 'mint_txs');
      const row = { hash: e.hash, contract, n, state: 'sent' as const, nonce: e.nonce, raw: e.raw, award_ids: JSON.stringify(e.awardIds) };
      await trx.insertInto('mint_txs').values({ ...row, block_number: null, block_hash: null, reason: null }).execute();
      await carried(trx, e.hash, e.awardIds);
      return;
    }
    case 'confirmed': {
      // The cost when known; a confirmation merged without it keeps the one recorded.
      const cost = e.gasUsed !== undefined && e.gasPrice !== undefined ? { gas_used: e.gasUsed, gas_price: e.gasPrice } : {};
      const verdict = { state: 'confirmed' as const, block_number: e.blockNumber, block_hash: e.blockHash, reason: null, ...cost };
      if (known) await trx.updateTable('mint_txs').set(verdict).where('hash', '=', e.hash).execute();
      else {
        // Found on chain, not sent by this log (another sender of the minter key, a lost entry).
        const n = await nextNumber(trx, dialect, 'mint_txs');
        await trx.insertInto('mint_txs').values({ hash: e.hash, contract, n, nonce: null, raw: null, award_ids: null, ...verdict }).execute();
      }
      await carried(trx, e.hash, e.awardIds);
      for (let i = 0; i < e.awardIds.length; i += CHUNK)
        await trx
          .insertInto('minted_awards')
          .values(e.awardIds.slice(i, i + CHUNK).map((award_id) => ({ contract, award_id, hash: e.hash })))
          .onConflict((oc) => oc.columns(['contract', 'award_id']).doUpdateSet((eb) => ({ hash: eb.ref('excluded.hash') })))
          .execute();
      return;
    }
    case 'voided':
      if (!known) return;
      await trx.updateTable('mint_txs').set({ state: 'voided', reason: e.reason }).where('hash', '=', e.hash).execute();
      await trx.deleteFrom('minted_awards').where('contract', '=', contract).where('hash', '=', e.hash).execute();
      return;
  }
}

/** Awards the transaction carried: they may be on chain, whatever becomes of it. */
async function carried(trx: Kysely<Schema>, hash: string, awardIds: readonly string[]): Promise<void> {
  const unique = [...new Set(awardIds)];
  for (let i = 0; i < unique.length; i += CHUNK)
    await trx
      .insertInto('mint_tx_awards')
      .values(unique.slice(i, i + CHUNK).map((award_id) => ({ hash, award_id })))
      .onConflict((oc) => oc.columns(['hash', 'award_id']).doNothing())
      .execute();
}
