/**
 * The rooms owner's lock on PostgreSQL (`server/db/owner-lock.ts`), on a PostgreSQL of the test's
 * own: one holder per owner and database, the holder named to whoever is refused; taken again by
 * its holder after PostgreSQL restarts; and, if another process took it while the holder's
 * connection was down, the holder told to stop.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockOwner, ownerLockKey, OwnerInUse } from '../../server/db/owner-lock.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait-for.ts';

const log = pino({ level: 'silent' });
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

const never = (reason: string) => {
  throw new Error(`onLost was called: ${reason}`);
};

async function refusal(databaseUrl: string, owner: string): Promise<OwnerInUse> {
  try {
    await (await lockOwner({ databaseUrl, owner, log, onLost: never })).release();
  } catch (e) {
    if (e instanceof OwnerInUse) return e;
    throw e;
  }
  throw new Error(`owner ${owner} was locked although another holder has it`);
}

/** The backend pid of the session holding `owner`'s lock, if any. */
async function holderBackend(databaseUrl: string, owner: string): Promise<number | undefined> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const key = BigInt.asUintN(64, ownerLockKey(owner));
    const { rows } = await admin.query<{ pid: number }>(
      "select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1 and classid = $1::text::oid and objid = $2::text::oid",
      [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
    );
    return rows[0]?.pid;
  } finally {
    await admin.end();
  }
}

describe('rooms owner lock', () => {
  it('refuses a second holder of the same owner, naming the first, and lets other owners and databases in', async () => {
    const url = await postgres.createDatabase();
    const first = await lockOwner({ databaseUrl: url, owner: 'local', log, onLost: never });
    const refused = await refusal(url, 'local');
    console.log(refused.message);
    expect(refused.owner).toBe('local');
    expect(refused.message).toContain(`'local' is in use`);
    expect(refused.holder).toContain(`fairplay local pid ${process.pid}`);
    // Another owner on the same database, and the same owner on another database, are free.
    await (await lockOwner({ databaseUrl: url, owner: 'node-a', log, onLost: never })).release();
    await (await lockOwner({ databaseUrl: await postgres.createDatabase(), owner: 'local', log, onLost: never })).release();
    await first.release();
    await first.release();
    await (await lockOwner({ databaseUrl: url, owner: 'local', log, onLost: never })).release();
  });

  it('is taken again by its holder after PostgreSQL restarts', { timeout: 120_000 }, async () => {
    const url = await postgres.createDatabase();
    const lock = await lockOwner({ databaseUrl: url, owner: 'local', log, onLost: never });
    const before = await holderBackend(url, 'local');
    expect(before).toBeDefined();
    await postgres.pause();
    await postgres.start();
    await waitFor(async () => (await holderBackend(url, 'local')) !== undefined, { what: 'the holder to take the lock again', timeout: 60_000 });
    expect(await refusal(url, 'local')).toBeInstanceOf(OwnerInUse);
    await lock.release();
    await (await lockOwner({ databaseUrl: url, owner: 'local', log, onLost: never })).release();
  });

  it('tells its holder to stop when another process took it while the holder was disconnected', { timeout: 60_000 }, async () => {
    const url = await postgres.createDatabase();
    const lost: string[] = [];
    const lock = await lockOwner({ databaseUrl: url, owner: 'local', log, onLost: (reason) => lost.push(reason) });
    const holder = await holderBackend(url, 'local');
    // Another session shuts the database to new connections, ends the holder's session and takes
    // the lock (waiting for the ended session to let it go), then lets connections in again.
    const other = new pg.Client({ connectionString: url });
    const admin = new pg.Client({ connectionString: postgres.url });
    await Promise.all([other.connect(), admin.connect()]);
    const name = new URL(url).pathname.slice(1);
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      await other.query('select pg_terminate_backend($1)', [holder]);
      await other.query('select pg_advisory_lock($1::bigint)', [ownerLockKey('local').toString()]);
      await admin.query(`alter database ${name} allow_connections true`);
      await waitFor(() => lost.length > 0, { what: 'the holder to be told it lost the lock', timeout: 30_000 });
      console.log(lost[0]);
      expect(lost[0]).toContain(`'local' is in use`);
      expect(lost).toHaveLength(1);
    } finally {
      await lock.release();
      await Promise.all([other.end(), admin.end()]);
    }
  });
});
