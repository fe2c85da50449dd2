/**
 * A PostgreSQL of a test's own: Debian's `postgresql` (PostgreSQL 15 here; CI installs the package,
 * see .ci/run), `initdb` into a temporary directory and the server on a free loopback port,
 * with fsync off (a test's data need not survive a power cut). PostgreSQL refuses to run as
 * root, so under root both run as the `postgres` user the package creates. Nothing is skipped:
 * without the binaries, `startPostgres` fails and says what to install.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from '../../server/free-port.ts';
import { reapWhenOrphaned } from './reaper.ts';
import { waitFor } from './wait-for.ts';

export interface TestPostgres {
  /** The server's own `postgres` database. */
  readonly url: string;
  /** A new empty database on this server; its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database made by createDatabase (every connection to it must be closed) and makes it again, empty. */
  recreateDatabase(url: string): Promise<void>;
  /**
   * Stops the server (fast shutdown: open connections are cut) and resolves once it is gone;
   * `start()` brings it back on the same data and port.
   */
  pause(): Promise<void>;
  /** Starts the server again after `pause()`; resolves once it accepts connections. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Where Debian keeps the binaries (not on PATH): `/usr/lib/postgresql/<major>/bin`, the newest first. */
const DEBIAN_LIB = '/usr/lib/postgresql';
const debianBins = (): string[] =>
  (existsSync(DEBIAN_LIB) ? readdirSync(DEBIAN_LIB) : [])
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(DEBIAN_LIB, v, 'bin'));

function binary(name: string): string {
  for (const candidate of [name, ...debianBins().map((dir) => join(dir, name))]) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next
    }
  }
  throw new Error(`PostgreSQL's ${name} was found neither on PATH nor in ${DEBIAN_LIB}/<version>/bin: the tests need Debian's postgresql (apt-get install postgresql)`);
}

/** Under root, the `postgres` user's uid and gid (PostgreSQL refuses to run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    throw new Error('running as root, and there is no postgres user to run PostgreSQL as: apt-get install postgresql creates it');
  }
}

let databases = 0;

/** Runs one statement as the server's superuser, on its own connection (CREATE/DROP DATABASE cannot run in a transaction). */
async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new empty database on the PostgreSQL of `serverUrl` (its `postgres` database's URL); the new one's URL. */
export async function createDatabaseOn(serverUrl: string): Promise<string> {
  const name = `fairplay_${process.pid}_${++databases}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function startPostgres(): Promise<TestPostgres> {
  const [initdb, postgres] = [binary('initdb'), binary('postgres')];
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'fairplay-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  try {
    execFileSync(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'], { stdio: 'pipe', ...user });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${err.stderr?.toString() || err.message}`);
  }
  const port = await freeLoopbackPort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server = await run(postgres, [data, dir], port, user, url);
  const admin = (statement: string) => adminQuery(url, statement);
  return {
    url,
    createDatabase: () => createDatabaseOn(url),
    async recreateDatabase(dbUrl) {
      const name = new URL(dbUrl).pathname.slice(1);
      await admin(`drop database ${name} with (force)`);
      await admin(`create database ${name}`);
    },
    pause: () => server.stop(),
    async start() {
      server = await run(postgres, [data, dir], port, user, url);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `postgres` on `data` (its socket in `socketDir`) and waits until it accepts connections at `url`. */
async function run(postgres: string, [data, socketDir]: [string, string], port: number, user: { uid: number; gid: number } | undefined, url: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(
    postgres,
    ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...user },
  );
  if (child.pid) reapWhenOrphaned(child.pid);
  const log: string[] = [];
  child.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`postgres exited before accepting connections:\n${log.join('')}`);
        return answers(url);
      },
      { what: 'postgres to accept connections', interval: 100 },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw gone ? err : new Error(`${(err as Error).message}:\n${log.join('')}`);
  }
  return {
    async stop() {
      if (!gone) {
        child.kill('SIGINT'); // fast shutdown: connections are cut, as in a restart under load
        await exited;
      }
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
