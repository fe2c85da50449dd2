/**
 * The journals of the version before the database (`chips.jsonl`, `awards.jsonl`, `mints.jsonl`,
 * at the top of DATA_DIR and in each cluster process's `nodes/<id>/`): found, read leniently,
 * imported once by whoever owns their entries, then renamed `<file>.imported` so that the next
 * start does not read them again (and an operator can still see them).
 * @module
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { readOldJournal } from './old-journal-reader.ts';

/** `DATA_DIR/<name>` and each cluster process's `nodes/<id>/<name>`, whether they exist or not. */
export async function oldJournals(dataDir: string, name: string): Promise<string[]> {
  const nodes = await readdir(join(dataDir, 'nodes'), { withFileTypes: true }).catch(() => []);
  return [join(dataDir, name), ...nodes.filter((d) => d.isDirectory()).map((d) => join(dataDir, 'nodes', d.name, name))];
}

/** Renames an imported journal `<file>.imported`; a failure is logged, not thrown (the import is idempotent). */
export async function markImported(path: string, what: string, log?: Logger): Promise<void> {
  await rename(path, `${path}.imported`).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.warn({ err, path }, `imported the old ${what} but could not rename it`);
  });
}

/**
 * Imports the journal at `path` with `apply` (which must skip what the database has), then
 * renames it. Entries that do not parse are logged and skipped; a torn last line (an interrupted
 * write, never acknowledged) is ignored. A file that cannot be read (missing, or damaged before
 * its last line) or entries `apply` refuses are logged, the file is left as it is, and the start
 * goes on. Never throws; undefined when there was no file or it could not be read.
 */
export async function importOldJournal<T>(
  path: string,
  what: string,
  parse: (value: unknown) => T,
  apply: (entries: T[]) => Promise<void>,
  log?: Logger,
): Promise<{ imported: number; bad: number } | undefined> {
  let bad = 0;
  let entries: T[];
  try {
    const read = await readOldJournal(path, (value) => {
      try {
        return parse(value);
      } catch {
        bad++;
        return undefined;
      }
    });
    entries = read.filter((e): e is T => e !== undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.error({ err, path }, `cannot read the old ${what}; not imported (the server starts without it)`);
    return undefined;
  }
  if (bad > 0) log?.error({ path, bad }, `entries of the old ${what} do not parse: they are skipped`);
  try {
    await apply(entries);
  } catch (err) {
    log?.error({ err, path }, `the old ${what} could not be imported; it is tried again at the next start`);
    return { imported: 0, bad };
  }
  await markImported(path, what, log);
  log?.info({ path, entries: entries.length, bad }, `imported the old ${what} into the database`);
  return { imported: entries.length, bad };
}
