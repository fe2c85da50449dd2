/**
 * The `system-postgres` project's one PostgreSQL (Debian's, started as in
 * `test/helpers/postgres.ts`), shared by its test files; each server gets a database of its own
 * (`test/helpers/server-database.ts`). Stopped after the project's last file.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    serverPostgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres();
  project.provide('serverPostgresUrl', postgres.url);
  return () => postgres.stop();
}
