/**
 * Which database the servers a test file starts use when the test does not choose one itself.
 * SQLite in their data directory by default; in the `system-postgres` project (vitest.config.ts)
 * a PostgreSQL that project's global setup started (`test/postgres-global-setup.ts`), with one
 * database per data directory, so a server restarted on the same data directory finds its data
 * again and two servers sharing one share the database, as they would share the file.
 *
 * The choice is module state, not an environment variable: vitest evaluates this module afresh
 * for every test file, so a file of the SQLite project never sees the Postgres project's choice.
 */
import { createDatabaseOn } from './postgres.ts';

let adminUrl: string | undefined;
const byDataDir = new Map<string, Promise<string>>();

/** From the Postgres project's setup file: servers started from now on use this PostgreSQL. */
export function useServerPostgres(url: string): void {
  adminUrl = url;
}

/** Which backend unchosen servers use, for test names and logs. */
export function serverBackend(): 'SQLite' | 'Postgres' {
  return adminUrl ? 'Postgres' : 'SQLite';
}

/** The environment that puts a server on `dataDir` on the project's database: empty for SQLite. */
export async function serverDatabaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (!adminUrl) return {};
  let url = byDataDir.get(dataDir);
  if (!url) byDataDir.set(dataDir, (url = createDatabaseOn(adminUrl)));
  return { DATABASE_URL: await url };
}

/** Where the server on `dataDir` keeps its data: the directory, and its database on the project's PostgreSQL if any. */
export async function serverPlace(dataDir: string): Promise<{ dataDir: string; databaseUrl?: string }> {
  const url = (await serverDatabaseEnv(dataDir))['DATABASE_URL'];
  return url ? { dataDir, databaseUrl: url } : { dataDir };
}
