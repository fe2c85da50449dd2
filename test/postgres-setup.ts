/** Run before each test file of the `system-postgres` project: its servers use that project's PostgreSQL. */
import { inject } from 'vitest';
import { useServerPostgres } from './helpers/server-database.ts';

useServerPostgres(inject('serverPostgresUrl'));
