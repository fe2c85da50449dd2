/**
 * One process per room owner on a PostgreSQL database: a session-level advisory lock, keyed by
 * the owner name the process files its rooms under (`local` for a lone server, its NODE_ID in a
 * cluster), held on a connection of its own for the life of the process.
 *
 * The data directory's lock (`storage/data-dir-lock.ts`) keeps two servers off one SQLite file,
 * but two lone servers with different DATA_DIRs and one DATABASE_URL would both own rooms as
 * `local`, and the second's start would settle the first's live rooms as left open by a dead
 * run. The lock is taken right after the database opens, before anything reads or writes rooms;
 * a second process with the same owner is refused, naming the holder (the holder's connection
 * carries `fairplay <owner> pid <pid> on <host>` as its application_name, which PostgreSQL shows
 * to every session in pg_stat_activity).
 *
 * PostgreSQL drops a session lock when its session ends, however it ends: a holder SIGKILLed
 * closes its socket, so a new process may take the owner at once. For the same reason the lock
 * goes with the connection when PostgreSQL restarts: the holder then takes it again as soon as the
 * database answers, and stops (`onLost`) if another process took it meanwhile, since that one
 * has settled (or will settle) the rooms this one is playing. A ping every few seconds makes a
 * connection that died quietly (the server ended the session while the network was down) show
 * itself.
 * @module
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';

/** Thrown when another process holds the owner. */
export class OwnerInUse extends Error {
  constructor(
    readonly owner: string,
    /** Who holds it, as PostgreSQL shows the holder's session (undefined if it could not be seen). */
    readonly holder: string | undefined,
  ) {
    super(
      `rooms owner '${owner}' is in use on this database by ${holder ?? 'another process'}: one process per owner (one lone server per DATABASE_URL, one process per NODE_ID); stop that process first, or give this one a database of its own`,
    );
    this.name = 'OwnerInUse';
  }
}

export interface OwnerLock {
  readonly owner: string;
  /** Lets the next process in. Idempotent. */
  release(): Promise<void>;
}

export interface OwnerLockOptions {
  readonly databaseUrl: string;
  readonly owner: string;
  readonly log: Logger;
  /** Called when the lock, lost with its connection, was taken by another process before this one could take it again. */
  readonly onLost: (reason: string) => void;
}

/** How often the lock's connection is asked whether it is alive. */
const PING_MS = 5000;

/** The advisory lock's key: 64 bits of SHA-256 over `fairplay-owner:<owner>`, as PostgreSQL's signed bigint. */
export function ownerLockKey(owner: string): bigint {
  return createHash('sha256').update(`fairplay-owner:${owner}`).digest().readBigInt64BE(0);
}

/** Takes `owner`'s lock on the database or throws `OwnerInUse` (or the connection's error). */
export async function lockOwner(opts: OwnerLockOptions): Promise<OwnerLock> {
  const { owner, log } = opts;
  const key = ownerLockKey(owner);
  let client = await take(opts.databaseUrl, owner, key);
  let closing = false;
  let pinging = false;

  const watch = (held: pg.Client) => {
    held.once('end', () => {
      if (closing || held !== client) return;
      log.warn({ owner }, "the owner lock's database connection was lost: taking the lock again");
      void retake();
    });
  };
  const retake = async () => {
    for (let attempt = 1; !closing; attempt++) {
      try {
        const again = await take(opts.databaseUrl, owner, key);
        if (closing) {
          await again.end().catch(() => undefined);
          return;
        }
        client = again;
        watch(again);
        log.info({ owner, attempts: attempt }, 'the owner lock is held again');
        return;
      } catch (err) {
        if (err instanceof OwnerInUse) {
          if (!closing) opts.onLost(`the owner lock was lost with its database connection and taken meanwhile: ${err.message}`);
          return;
        }
        // The database is not back yet: ask again soon (the sooner, the narrower the window for another process).
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
      }
    }
  };
  watch(client);
  const ping = setInterval(() => {
    if (pinging) return;
    pinging = true;
    // A failed ping ends the connection ('end' above); its error is not this caller's to handle.
    client.query('select 1').then(
      () => (pinging = false),
      () => (pinging = false),
    );
  }, PING_MS);
  ping.unref();

  return {
    owner,
    async release() {
      if (closing) return;
      closing = true;
      clearInterval(ping);
      // Ending the session releases its advisory locks.
      await client.end().catch(() => undefined);
    },
  };
}

/** A new connection holding the lock, or `OwnerInUse`. */
async function take(databaseUrl: string, owner: string, key: bigint): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    // At most NAMEDATALEN - 1 bytes; the pid comes first so that a long host name cannot hide it.
    application_name: `fairplay ${owner} pid ${process.pid} on ${hostname()}`.slice(0, 63),
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
  });
  // A dropped connection emits 'error' then 'end'; 'end' is the one acted on.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key.toString()]);
    if (rows[0]?.locked) return client;
    const holder = await holderOf(client, key).catch(() => undefined);
    throw new OwnerInUse(owner, holder);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/**
 * The session holding the lock, as pg_locks and pg_stat_activity show it: a bigint key is
 * shown with its high half as classid, its low half as objid and objsubid 1.
 */
async function holderOf(client: pg.Client, key: bigint): Promise<string | undefined> {
  const unsigned = BigInt.asUintN(64, key);
  const { rows } = await client.query<{ name: string | null; pid: number; addr: string | null }>(
    `select a.application_name as name, l.pid, a.client_addr::text as addr
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
        and l.classid = $1::text::oid and l.objid = $2::text::oid`,
    [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.name?.startsWith('fairplay ')) return `'${row.name}'`;
  return `database session ${row.pid}${row.addr ? ` from ${row.addr}` : ''}`;
}
