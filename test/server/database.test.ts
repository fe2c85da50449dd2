/**
 * The database (`server/db/`), on SQLite and on PostgreSQL: migrations run once when several
 * processes open a new database at the same moment; a damaged or unopenable SQLite file, and a
 * Postgres that does not answer, refused at open with the file or URL (no password) and the reason.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE } from '../../server/db/database.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { tempDataDir } from '../helpers/server-process.ts';

describe.each(BACKENDS)('the database on %s', (backend) => {
  const databases = testDatabases(backend);

  it('migrates once when two processes open a new database at the same moment', { timeout: 60_000 }, async () => {
    const place = await databases.fresh();
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = `import { openDatabase } from './server/db/database.ts';
const d = await openDatabase(${JSON.stringify(place)});
await d.db.insertInto('indexed_rooms').values({ index_name: 'probe', room_id: String(process.pid) }).execute();
await d.close();`;
    const run = () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
        child.once('exit', (code) => resolve({ code, err }));
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results).toEqual([0, 1, 2].map(() => ({ code: 0, err: '' })));
    const database = await databases.open(place);
    expect(await database.db.selectFrom('indexed_rooms').select('room_id').where('index_name', '=', 'probe').execute()).toHaveLength(3);
  });
});

describe('opening the database', () => {
  it('keeps SQLite in DATA_DIR/fairplay.db, in WAL mode, synchronous=FULL, with a busy timeout, its migrations recorded', async () => {
    const dataDir = tempDataDir();
    const database = await openDatabase({ dataDir });
    try {
      expect(database).toMatchObject({ dialect: 'sqlite', where: join(dataDir, SQLITE_FILE) });
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(database.db)).rows[0]!)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('busy_timeout')).toBe(10_000);
      expect((await database.db.selectFrom('kysely_migration' as never).select('name' as never).execute()).map((r) => (r as { name: string }).name)).toEqual(['0001-indexes', '0002-chips', '0003-awards', '0004-rooms', '0005-damaged-rooms', '0006-anchors', '0007-court', '0008-rules-documents', '0009-economy']);
    } finally {
      await database.close();
    }
  });

  it('refuses a damaged SQLite file at open, naming the file and the reason', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SQLITE_FILE), 'not a database, '.repeat(400));
    await expect(openDatabase({ dataDir })).rejects.toThrow(`cannot open the database ${join(dataDir, SQLITE_FILE)}: file is not a database (SQLITE_NOTADB)`);
    await expect(openDatabase({ dataDir: join(dataDir, SQLITE_FILE, 'below-a-file') })).rejects.toThrow(/cannot open the database .*below-a-file.*ENOTDIR/);
  });

  it('refuses a Postgres it cannot reach, naming it without its password', async () => {
    const url = 'postgres://fairplay:hunter2@127.0.0.1:1/fairplay';
    const err = await openDatabase({ dataDir: tempDataDir(), databaseUrl: url }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^cannot open the database postgres:\/\/fairplay:\*\*\*@127\.0\.0\.1:1\/fairplay: .*ECONNREFUSED/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
