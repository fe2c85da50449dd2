/**
 * GET /health reports the database: which dialect, and whether it answers. A Postgres that stops
 * answering turns the server's health to 503 naming the database, while the process stays up.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Health {
  ok: boolean;
  database: { ok: boolean; dialect: string; error?: string };
}

describe('GET /health and the database', () => {
  const databases = testDatabases('Postgres');

  it('is 200 with the Postgres answering, and 503 naming the database once it stops', async () => {
    const place = await databases.fresh();
    const server = await startServerProcess({ dataDir: place.dataDir, env: databases.env(place) });
    try {
      const health = async (): Promise<{ status: number; body: Health }> => {
        const res = await fetch(`${server.url}/health`);
        return { status: res.status, body: (await res.json()) as Health };
      };
      expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: { ok: true, dialect: 'postgres' } } });
      await databases.postgres!.stop();
      const down = await waitFor(async () => {
        const h = await health();
        return h.status === 503 ? h : undefined;
      }, { what: 'the health check to see the database gone' });
      expect(down.body).toMatchObject({ ok: false, database: { ok: false, dialect: 'postgres', error: expect.stringMatching(/did not answer/) } });
    } finally {
      await server.stop();
    }
  });
});
