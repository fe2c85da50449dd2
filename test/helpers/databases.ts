/**
 * The two database backends, for tests that run on both (`describe.each(BACKENDS)`): SQLite in a
 * temporary data directory, and PostgreSQL on a server of the test file's own
 * (`test/helpers/postgres.ts`), a new database for each place a test asks for.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, SQLITE_FILE, type Database } from '../../server/db/database.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { tempDataDir } from './server-process.ts';

export const BACKENDS = ['SQLite', 'Postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Where a database is: a data directory, and for Postgres a DATABASE_URL. */
export interface DatabasePlace {
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

export interface TestDatabases {
  /** A new data directory and an empty database. */
  fresh(): Promise<DatabasePlace>;
  /** Opens (and migrates) the database of `place`, closed after the file's tests. */
  open(place: DatabasePlace): Promise<Database>;
  /** The server's environment for `place` (DATA_DIR is the server helper's). */
  env(place: DatabasePlace): Record<string, string>;
  /** Deletes the database of `place` (nothing may have it open) and leaves an empty one. */
  wipe(place: DatabasePlace): Promise<void>;
  /** The Postgres server (Postgres only). */
  readonly postgres: TestPostgres | undefined;
}

/** Registers the hooks of one backend in the current describe block. */
export function testDatabases(backend: Backend): TestDatabases {
  let postgres: TestPostgres | undefined;
  const opened: Database[] = [];
  beforeAll(async () => {
    if (backend === 'Postgres') postgres = await startPostgres();
  });
  afterAll(async () => {
    for (const d of opened) await d.close().catch(() => undefined);
    await postgres?.stop();
  });
  return {
    get postgres() {
      return postgres;
    },
    async fresh() {
      const dataDir = tempDataDir();
      return backend === 'Postgres' ? { dataDir, databaseUrl: await postgres!.createDatabase() } : { dataDir };
    },
    async open(place) {
      const database = await openDatabase(place);
      const close = database.close.bind(database);
      let closed: Promise<void> | undefined;
      const once = { ...database, close: () => (closed ??= close()) };
      opened.push(once);
      return once;
    },
    env: (place): Record<string, string> => (place.databaseUrl ? { DATABASE_URL: place.databaseUrl } : {}),
    async wipe(place) {
      if (place.databaseUrl) return postgres!.recreateDatabase(place.databaseUrl);
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(place.dataDir, SQLITE_FILE + suffix), { force: true });
    },
  };
}
