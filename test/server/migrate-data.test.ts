/**
 * `npm run migrate-data -- --from DIR` on a data directory the version before the database wrote
 * (`test/fixtures/journal-version/`: three dice sessions played on that version, with the mint log
 * of its embedded chain; `fairness.json` holds the public keys it served), into SQLite and into
 * PostgreSQL: every balance is the sum of the chip journal's entries, every award and mint log
 * entry is in, every transcript reads back as the bytes of its file and verifies under the old
 * keys; run again it changes nothing; and a server started on the result serves the same
 * transcripts and balances and lists the awards.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseEntry } from '../../server/fairness/room-journal.ts';
import { SqlRoomRecords } from '../../server/fairness/room-records.ts';
import { TRANSCRIPT_FORMAT, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { getJson, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts } from '../helpers/server-process.ts';

const FIXTURE = 'test/fixtures/journal-version';
const run = promisify(execFile);
const lines = (path: string): unknown[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

interface OldChip { ref: string; address: string; delta: number }
interface OldAward { awardId: string; player: string; tokenId: number; amount: number; source: { roomId: string; drawSeq: number; recordSeq: number; recordHash: string } }
interface OldMint { kind: 'sent' | 'confirmed' | 'voided'; contract: string; hash: string; awardIds?: string[] }

const chips = lines(join(FIXTURE, 'chips.jsonl')) as OldChip[];
const awards = lines(join(FIXTURE, 'awards.jsonl')) as OldAward[];
const mints = lines(join(FIXTURE, 'mints.jsonl')) as OldMint[];
const roomIds = readdirSync(join(FIXTURE, 'rooms', 'closed')).map((n) => n.slice(0, -'.jsonl'.length)).sort();
/** A room's records as the version before served them: each journal line read through the same parser. */
const recordsOf = (roomId: string) => lines(join(FIXTURE, 'rooms', 'closed', `${roomId}.jsonl`)).map(parseEntry).flatMap((e) => ('record' in e ? [e.record] : []));
const keys = JSON.parse(readFileSync(join(FIXTURE, 'fairness.json'), 'utf8')) as FairnessParams;

/** Each address's balance, as the chip journal's entries add up. */
const expectedBalances = new Map<string, number>();
for (const e of chips) expectedBalances.set(e.address.toLowerCase(), (expectedBalances.get(e.address.toLowerCase()) ?? 0) + e.delta);
/** Awards a confirmation of the old mint log names and no void undoes. */
const minted = new Set<string>();
for (const m of mints) {
  if (m.kind === 'confirmed') for (const id of m.awardIds ?? []) minted.add(id);
  if (m.kind === 'voided') for (const c of mints.filter((x) => x.kind === 'confirmed' && x.hash === m.hash)) for (const id of c.awardIds ?? []) minted.delete(id);
}

describe.each(BACKENDS)('migrate-data into %s', (backend) => {
  const dbs = testDatabases(backend);

  it('imports every balance, award, mint and record of a journal-version data directory, once', { timeout: timeoutWithStarts(1, 120_000) }, async () => {
    // The fixture is the sanity of everything below: it must hold some of each.
    expect([chips.length, awards.length, mints.length, roomIds.length].every((n) => n > 0)).toBe(true);
    expect(minted.size).toBeGreaterThan(0);
    const from = tempDataDir();
    cpSync(FIXTURE, from, { recursive: true });
    const place = await dbs.fresh();
    const migrate = () =>
      run(process.execPath, ['--import', 'tsx', 'server/migrate-data.ts', '--from', from], { env: { ...process.env, DATA_DIR: place.dataDir, ...dbs.env(place) } });

    const first = await migrate();
    const report = JSON.parse(first.stdout) as { holds: Record<string, number>; problems: number };
    expect(report.problems).toBe(0);
    expect(report.holds).toMatchObject({ rooms: roomIds.length, chip_entries: chips.length, awards: awards.length, mint_txs: new Set(mints.map((m) => m.hash)).size, minted_awards: minted.size });
    for (const file of ['chips.jsonl', 'awards.jsonl', 'mints.jsonl']) expect(existsSync(join(from, `${file}.imported`)), file).toBe(true);
    expect(existsSync(join(from, 'rooms.imported'))).toBe(true);

    const database = await dbs.open(place);
    const balances = new Map((await database.db.selectFrom('chip_balances').selectAll().execute()).map((r) => [r.address, Number(r.units)]));
    expect(balances).toEqual(expectedBalances);
    const rows = await database.db.selectFrom('awards').selectAll().orderBy('n').execute();
    expect(rows.map((r) => ({ awardId: r.award_id, player: r.player, tokenId: Number(r.token_id), amount: Number(r.amount), source: { roomId: r.room_id, drawSeq: Number(r.draw_seq), recordSeq: Number(r.record_seq), recordHash: r.record_hash } }))).toEqual(awards);
    const mintedRows = await database.db.selectFrom('minted_awards').select(['contract', 'award_id']).execute();
    expect(new Set(mintedRows.map((r) => r.award_id))).toEqual(minted);
    expect(new Set(mintedRows.map((r) => r.contract))).toEqual(new Set(mints.map((m) => m.contract)));
    const store = new SqlRoomRecords(database);
    expect((await store.closedRoomIds()).sort()).toEqual(roomIds);
    for (const roomId of roomIds) {
      const records = await store.records(roomId);
      // The protocol bytes do not change: each record reads back as the version before served it.
      expect(JSON.stringify(records)).toBe(JSON.stringify(recordsOf(roomId)));
      const verdict = verifyTranscript({ format: TRANSCRIPT_FORMAT, roomId, ...keys, records: records! }, keys);
      expect(verdict.problems).toEqual([]);
      expect(verdict).toMatchObject({ ok: true, closed: true });
    }

    // The old files put back (a restore by hand) and imported again: nothing changes.
    for (const file of ['chips.jsonl', 'awards.jsonl', 'mints.jsonl']) writeFileSync(join(from, file), readFileSync(join(FIXTURE, file)));
    cpSync(join(FIXTURE, 'rooms'), join(from, 'rooms'), { recursive: true });
    const again = JSON.parse((await migrate()).stdout) as { holds: Record<string, number>; problems: number };
    expect(again).toEqual(report);

    // A server on the migrated database serves it: the same transcripts and balances, the awards listed.
    await database.close();
    const server = await startServerProcess({ dataDir: place.dataDir, env: dbs.env(place) });
    try {
      for (const roomId of roomIds) {
        const transcript = await getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
        expect(JSON.stringify(transcript.records)).toBe(JSON.stringify(recordsOf(roomId)));
      }
      for (const [address, units] of expectedBalances) expect((await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance).toBe(units);
      for (const player of new Set(awards.map((a) => a.player))) {
        const listed = await getJson<{ awards: { awardId: string }[] }>(`${server.url}/players/${player}/awards`);
        expect(listed.awards.map((a) => a.awardId).sort()).toEqual(awards.filter((a) => a.player === player).map((a) => a.awardId).sort());
      }
    } finally {
      await server.stop();
    }
  });
});
