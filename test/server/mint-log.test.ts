/**
 * server/awards/sql-mint-log.ts on SQLite and on PostgreSQL: sent, confirmed and voided
 * transactions as the minter reads them after a restart (what is minted, what is in flight,
 * what may be on chain), confirmations of one transaction merged, a void undoing them (its
 * awards pending again, the newest confirmation the next one), entries of another contract
 * apart, and an old `mints.jsonl` imported in order, idempotently.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { importMintJournal } from '../../server/awards/import-journals.ts';
import type { Confirmation, MintEntry } from '../../server/awards/mint-log.ts';
import { SqlAwardOutbox } from '../../server/awards/sql-award-outbox.ts';
import { SqlMintLog } from '../../server/awards/sql-mint-log.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

const CONTRACT = '0x' + 'ab'.repeat(20);
const OTHER_CONTRACT = '0x' + 'cd'.repeat(20);
const hash = (n: number) => '0x' + n.toString(16).padStart(64, '0');
const id = (n: number) => n.toString(16).padStart(64, '0');
const silent = pino({ level: 'silent' });

async function all(confirmations: AsyncIterable<Confirmation>): Promise<Confirmation[]> {
  const out: Confirmation[] = [];
  for await (const c of confirmations) out.push(c);
  return out;
}

describe.each(BACKENDS)('the mint log on %s', (backend) => {
  const dbs = testDatabases(backend);

  it('keeps sends, confirmations and voids across a reopen, per contract', async () => {
    const place = await dbs.fresh();
    const log = new SqlMintLog(await dbs.open(place), CONTRACT);
    await log.recordSent({ hash: hash(1), nonce: 0, raw: '0x01', awardIds: [id(1), id(2)] });
    await log.recordSent({ hash: hash(2), nonce: 1, raw: '0x02', awardIds: [id(3)] });
    await log.recordSent({ hash: hash(3), nonce: 2, raw: '0x03', awardIds: [id(3), id(4)] });
    await log.recordConfirmed({ hash: hash(1), blockNumber: 5, blockHash: hash(50), awardIds: [id(1), id(2)] });
    await log.recordVoided(hash(3), 'reverted');
    const again = new SqlMintLog(await dbs.open(place), CONTRACT.toUpperCase().replace('0X', '0x'));
    expect(await again.mintOf(id(2))).toEqual({ hash: hash(1), blockNumber: 5, blockHash: hash(50) });
    expect(await again.unresolved()).toEqual([{ kind: 'sent', contract: CONTRACT, hash: hash(2), nonce: 1, raw: '0x02', awardIds: [id(3)] }]);
    expect(await again.mayBeOnChain([id(1), id(3), id(4), id(9)])).toEqual(new Set([id(3), id(4)]));
    expect((await again.sentWith(id(3))).map((t) => t.hash)).toEqual([hash(3), hash(2)]);
    expect(await again.mintedCount()).toBe(2);
    const other = new SqlMintLog(await dbs.open(place), OTHER_CONTRACT);
    expect(await other.mintOf(id(1))).toBeUndefined();
    expect(await other.unresolved()).toEqual([]);
    expect(await other.mayBeOnChain([id(3)])).toEqual(new Set());
    expect(await other.newestConfirmation()).toBeUndefined();
    expect(await other.mintedCount()).toBe(0);
  });

  it("records a confirmed transaction's gas used and price; a confirmation without them keeps them", async () => {
    const database = await dbs.open(await dbs.fresh());
    const log = new SqlMintLog(database, CONTRACT);
    const cost = async (h: string) => database.db.selectFrom('mint_txs').select(['gas_used', 'gas_price']).where('hash', '=', h).executeTakeFirstOrThrow();
    await log.recordSent({ hash: hash(1), nonce: 0, raw: '0x01', awardIds: [id(1), id(2)] });
    await log.recordConfirmed({ hash: hash(1), blockNumber: 5, blockHash: hash(50), awardIds: [id(1)], gasUsed: '81966', gasPrice: '1461416192' });
    await log.recordConfirmed({ hash: hash(1), blockNumber: 5, blockHash: hash(50), awardIds: [id(2)] });
    expect(await cost(hash(1))).toEqual({ gas_used: '81966', gas_price: '1461416192' });
    // Found on chain by its events alone: the cost is not known.
    await log.recordConfirmed({ hash: hash(2), blockNumber: 6, blockHash: hash(60), awardIds: [id(3)] });
    expect(await cost(hash(2))).toEqual({ gas_used: null, gas_price: null });
    expect(await log.newestConfirmation()).toEqual({ kind: 'confirmed', contract: CONTRACT, hash: hash(2), blockNumber: 6, blockHash: hash(60), awardIds: [id(3)] });
  });

  it('counts the awards minted from a block on, by player', async () => {
    const database = await dbs.open(await dbs.fresh());
    const outbox = new SqlAwardOutbox(database, [1]);
    const award = (n: number, player: string) => ({ awardId: id(n), player, tokenId: 1, amount: 1, source: { roomId: 'r', drawSeq: n, recordSeq: n, recordHash: id(0) } });
    const [a, b] = ['0x' + 'Aa'.repeat(20), '0x' + 'bb'.repeat(20)];
    await outbox.record([award(1, a), award(2, a), award(3, b), award(4, a)]);
    const log = new SqlMintLog(database, CONTRACT);
    await log.recordConfirmed({ hash: hash(1), blockNumber: 5, blockHash: hash(50), awardIds: [id(1)] });
    await log.recordConfirmed({ hash: hash(2), blockNumber: 7, blockHash: hash(70), awardIds: [id(2), id(3)] });
    await log.recordConfirmed({ hash: hash(3), blockNumber: 9, blockHash: hash(90), awardIds: [id(4)] });
    await log.recordVoided(hash(3), 'reverted');
    expect(await log.mintedPerPlayerFrom(6)).toEqual(new Map([[a.toLowerCase(), 1], [b, 1]]));
    expect(await log.mintedPerPlayerFrom(0)).toEqual(new Map([[a.toLowerCase(), 2], [b, 1]]));
    expect(await new SqlMintLog(database, OTHER_CONTRACT).mintedPerPlayerFrom(0)).toEqual(new Map());
    await outbox.close();
  });

  it('merges confirmations of one transaction found piece by piece, and a void undoes them all', async () => {
    const log = new SqlMintLog(await dbs.open(await dbs.fresh()), CONTRACT);
    await log.recordConfirmed({ hash: hash(7), blockNumber: 9, blockHash: hash(90), awardIds: [id(1)] });
    await log.recordConfirmed({ hash: hash(7), blockNumber: 9, blockHash: hash(90), awardIds: [id(2)] });
    await log.recordConfirmed({ hash: hash(8), blockNumber: 8, blockHash: hash(80), awardIds: [id(3)] });
    expect((await log.newestConfirmation())?.awardIds).toEqual([id(1), id(2)]);
    expect((await all(log.confirmationsNewestFirst())).map((c) => c.hash)).toEqual([hash(7), hash(8)]);
    await log.recordVoided(hash(7), 'its block is no longer on the chain');
    expect(await log.mintsOf([id(1), id(2), id(3)])).toEqual(new Map([[id(3), { hash: hash(8), blockNumber: 8, blockHash: hash(80) }]]));
    expect((await log.newestConfirmation())?.hash).toBe(hash(8));
    expect(await log.mayBeOnChain([id(1), id(2), id(3)])).toEqual(new Set([id(1), id(2)]));
    expect((await all(log.confirmationsNewestFirst())).map((c) => c.hash)).toEqual([hash(8)]);
    // The same transaction found again in a block (the chain took it back): minted again.
    await log.recordConfirmed({ hash: hash(7), blockNumber: 10, blockHash: hash(100), awardIds: [id(1)] });
    expect((await log.newestConfirmation())?.awardIds).toEqual([id(1)]);
    expect(await log.mayBeOnChain([id(1), id(2)])).toEqual(new Set([id(2)]));
  });

  it('a void leaves an award minted by a later confirmation of another transaction', async () => {
    const log = new SqlMintLog(await dbs.open(await dbs.fresh()), CONTRACT);
    await log.recordConfirmed({ hash: hash(1), blockNumber: 3, blockHash: hash(30), awardIds: [id(1), id(2)] });
    await log.recordConfirmed({ hash: hash(2), blockNumber: 4, blockHash: hash(40), awardIds: [id(2)] });
    await log.recordVoided(hash(1), 'its block is no longer on the chain');
    expect([...(await log.mintsOf([id(1), id(2)])).keys()]).toEqual([id(2)]);
    expect((await log.mintOf(id(2)))?.hash).toBe(hash(2));
  });

  it('walks many confirmations newest first, a page at a time', async () => {
    const log = new SqlMintLog(await dbs.open(await dbs.fresh()), CONTRACT);
    const entries: MintEntry[] = Array.from({ length: 250 }, (_, i) => ({ kind: 'confirmed', contract: CONTRACT, hash: hash(i + 1), blockNumber: Math.floor(i / 3), blockHash: hash(1000 + i), awardIds: [id(i + 1)] }));
    await log.apply(entries);
    const walked = await all(log.confirmationsNewestFirst());
    expect(walked).toHaveLength(250);
    expect(walked.map((c) => c.hash)).toEqual(entries.map((e) => e.hash).reverse());
  });

  it('imports an old mints.jsonl in order (a torn last line ignored), renames it, and importing it again changes nothing', async () => {
    const place = await dbs.fresh();
    const database = await dbs.open(place);
    const log = new SqlMintLog(database, CONTRACT);
    const entries: MintEntry[] = [
      { kind: 'sent', contract: CONTRACT, hash: hash(1), nonce: 0, raw: '0x01', awardIds: [id(1), id(2)] },
      { kind: 'confirmed', contract: CONTRACT, hash: hash(1), blockNumber: 4, blockHash: hash(40), awardIds: [id(1)] },
      { kind: 'confirmed', contract: CONTRACT, hash: hash(1), blockNumber: 4, blockHash: hash(40), awardIds: [id(2)] },
      { kind: 'sent', contract: CONTRACT, hash: hash(2), nonce: 1, raw: '0x02', awardIds: [id(3)] },
      { kind: 'confirmed', contract: CONTRACT, hash: hash(2), blockNumber: 5, blockHash: hash(50), awardIds: [id(3)] },
      { kind: 'voided', contract: CONTRACT, hash: hash(2), reason: 'its block is no longer on the chain' },
      { kind: 'sent', contract: CONTRACT, hash: hash(3), nonce: 1, raw: '0x03', awardIds: [id(3)] },
      { kind: 'sent', contract: OTHER_CONTRACT, hash: hash(4), nonce: 0, raw: '0x04', awardIds: [id(4)] },
      { kind: 'confirmed', contract: OTHER_CONTRACT, hash: hash(4), blockNumber: 1, blockHash: hash(10), awardIds: [id(4)] },
    ];
    const file = join(place.dataDir, 'mints.jsonl');
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n{"kind":"voided","contract":"0x';
    await writeFile(file, text);
    expect(await importMintJournal(file, log, silent)).toEqual({ imported: entries.length, bad: 0 });
    expect(existsSync(file)).toBe(false);
    const state = async () => ({
      minted: await log.mintsOf([id(1), id(2), id(3), id(4)]),
      unresolved: await log.unresolved(),
      maybe: await log.mayBeOnChain([id(1), id(2), id(3), id(4)]),
      newest: await log.newestConfirmation(),
      rows: await database.db.selectFrom('mint_txs').selectAll().orderBy('hash').execute(),
      minter: await database.db.selectFrom('minted_awards').selectAll().orderBy('contract').orderBy('award_id').execute(),
    });
    const first = await state();
    expect([...first.minted.keys()]).toEqual([id(1), id(2)]);
    expect(first.unresolved.map((t) => t.hash)).toEqual([hash(3)]);
    expect(first.maybe).toEqual(new Set([id(3)]));
    expect(first.newest?.hash).toBe(hash(1));
    expect((await new SqlMintLog(database, OTHER_CONTRACT).mintOf(id(4)))?.hash).toBe(hash(4));
    await writeFile(file, text);
    await importMintJournal(file, log, silent);
    expect(await state()).toEqual(first);
  });
});
