/**
 * One process per data directory: an exclusive lock on `DATA_DIR/server.lock` held for the life
 * of the process (or until released), and the holder's pid in `DATA_DIR/server.lock.pid` so that
 * a second process can say who holds it.
 *
 * The lock is an operating-system lock (a POSIX record lock, taken through SQLite, which
 * better-sqlite3 already brings): the kernel drops it when its process ends, however it ends,
 * SIGKILL included, so a server killed a moment ago leaves no stale lock behind and a new one may
 * start at once. A lock file judged stale by its age would do neither. SQLite also refuses a
 * second connection to a locked file from the same process, so two servers started in one
 * process on one directory are refused too.
 * @module
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export const LOCK_FILE = 'server.lock';
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
    /** The holder's pid as it wrote it, if it has yet. */
    readonly holderPid: number | undefined,
  ) {
    super(
      `data directory ${dir} is in use by ${holderPid === undefined ? 'another process (its pid not yet written)' : `process ${holderPid}`}: ` +
        'one server per DATA_DIR; stop that process first, or give this one a DATA_DIR of its own',
    );
    this.name = 'DataDirInUse';
  }
}

/** Takes `dir`'s lock (creating `dir`, 0700, if it is missing) or throws `DataDirInUse`. */
export function lockDataDir(dir: string): DataDirLock {
  const where = resolve(dir);
  mkdirSync(where, { recursive: true, mode: 0o700 });
  const pidFile = join(where, PID_FILE);
  let db: BetterSqlite3.Database | undefined;
  try {
    // No busy wait: a held lock means another server, which will not let go soon.
    db = new BetterSqlite3(join(where, LOCK_FILE), { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    // No journal file beside the lock: nothing is ever written to it.
    db.pragma('journal_mode = MEMORY');
    // An open exclusive transaction holds the OS lock until the connection closes or the process ends.
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUse(where, readPid(pidFile));
    throw e;
  }
  const held = db;
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
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
