/**
 * One server per data directory: a lock on `DATA_DIR/server.lock` held for the life of the
 * process (or until released), and each holder's pid beside it so that a process refused can
 * say who holds the directory.
 *
 * A server alone takes the lock exclusively. Cluster members take it shared: they keep nothing
 * of their own in `DATA_DIR` (their ledgers are in the database, their chain is external) and
 * several may use one directory on one host, sharing its SQLite database; but no lone server,
 * with its embedded chain and its rooms of owner `local`, may start beside them, nor they beside it.
 *
 * The lock is an operating-system lock (a POSIX record lock, taken through SQLite, which
 * better-sqlite3 already brings): the kernel drops it when its process ends, however it ends,
 * SIGKILL included, so a server killed a moment ago leaves no stale lock behind and a new one may
 * start at once. A lock file judged stale by its age would do neither. SQLite also refuses a
 * conflicting connection to a locked file from the same process, so two servers started in one
 * process on one directory are refused too.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export const LOCK_FILE = 'server.lock';

/**
 * Every connection holding a lock, until its release. The lock lives as long as its connection,
 * and better-sqlite3 closes a connection that is garbage-collected: were the returned object the
 * only reference, a caller that dropped it would let the lock go without a word.
 */
const heldConnections = new Set<BetterSqlite3.Database>();
/** The exclusive holder's pid file; a shared holder's is `server.lock.<name>.pid`. */
export const PID_FILE = 'server.lock.pid';

export interface DataDirLock {
  readonly dir: string;
  /** Lets the next process in; the pid file goes with it. Idempotent. */
  release(): void;
}

/** Thrown when another process (or another server in this one) holds the directory. */
export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    /** The holders' pids as they wrote them (none if the holder has not written its pid yet). */
    readonly holderPids: readonly number[],
  ) {
    const who = holderPids.length === 0 ? 'another process (its pid not yet written)' : `process ${holderPids.join(', ')}`;
    super(`data directory ${dir} is in use by ${who}: one server per DATA_DIR; stop that process first, or give this one a DATA_DIR of its own`);
    this.name = 'DataDirInUse';
  }
}

/**
 * Takes `dir`'s lock (creating `dir`, 0700, if it is missing) or throws `DataDirInUse`:
 * exclusively, or shared with other cluster members when `sharedAs` names this holder.
 */
export function lockDataDir(dir: string, opts: { sharedAs?: string } = {}): DataDirLock {
  const where = resolve(dir);
  mkdirSync(where, { recursive: true, mode: 0o700 });
  const shared = opts.sharedAs !== undefined;
  const pidFile = join(where, shared ? `${LOCK_FILE}.${opts.sharedAs!.replace(/[^\w.-]/g, '_')}.pid` : PID_FILE);
  let db: BetterSqlite3.Database | undefined;
  try {
    // No busy wait: a held lock means another server, which will not let go soon.
    db = new BetterSqlite3(join(where, LOCK_FILE), { timeout: 0 });
    if (shared) {
      // A read inside an open transaction holds a shared lock until the connection closes.
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } else {
      db.pragma('locking_mode = EXCLUSIVE');
      // No journal file beside the lock: nothing is ever written to it.
      db.pragma('journal_mode = MEMORY');
      // An open exclusive transaction holds the lock until the connection closes or the process ends.
      db.exec('BEGIN EXCLUSIVE');
    }
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUse(where, holders(where));
    throw e;
  }
  const held = db;
  heldConnections.add(held);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  let released = false;
  return {
    dir: where,
    release() {
      if (released) return;
      released = true;
      // The pid file first: once the lock is free the next holder writes its own.
      if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
      held.close();
      heldConnections.delete(held);
    },
  };
}

/** The pids of the directory's pid files whose processes still run (a SIGKILLed holder leaves its file). */
function holders(dir: string): number[] {
  const files = readdirSync(dir).filter((name) => name.startsWith(`${LOCK_FILE}.`) && name.endsWith('.pid'));
  const pids = files.map((name) => readPid(join(dir, name))).filter((pid): pid is number => pid !== undefined && running(pid));
  return [...new Set(pids)].sort((a, b) => a - b);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
