/**
 * The journals of the version before the database (`chips.jsonl`, `awards.jsonl`, `mints.jsonl`,
 * at the top of DATA_DIR and in each cluster process's `nodes/<id>/`): found, read leniently,
 * imported once by whoever owns their entries, then renamed `<file>.imported` so that the next
 * start does not read them again (and an operator can still see them). A file with damaged lines
 * has the rest imported and is renamed `<file>.damaged` instead, beside `<file>.damaged.json`,
 * the report naming each damaged line and why.
 * @module
 */
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DamageKind, DamageSink } from './damage.ts';
import { readOldJournal } from './old-journal-reader.ts';

/** Where damage found in a journal is reported, and as what. */
export interface JournalDamage {
  readonly sink: DamageSink;
  readonly kind: DamageKind;
}

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
 * renames it. A damaged line (not JSON, or an entry `parse` rejects) is skipped and the rest
 * imported; the file is then kept as `<file>.damaged` beside a report (`<file>.damaged.json`),
 * and each damaged line is logged and reported to `damage`. A torn last line (an interrupted
 * write, never acknowledged) is ignored. A file that cannot be read, or entries `apply` refuses,
 * are logged, the file is left as it is, and the start goes on. Never throws; undefined when
 * there was no file or it could not be read.
 */
export async function importOldJournal<T>(
  path: string,
  what: string,
  parse: (value: unknown) => T,
  apply: (entries: T[]) => Promise<void>,
  log?: Logger,
  damage?: JournalDamage,
): Promise<{ imported: number; bad: number } | undefined> {
  const damaged: { line: number; reason: string }[] = [];
  let entries: T[];
  try {
    entries = await readOldJournal(path, parse, (line, reason) => void damaged.push({ line, reason }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.error({ err, path }, `cannot read the old ${what}; not imported (the server starts without it)`);
    return undefined;
  }
  try {
    await apply(entries);
  } catch (err) {
    log?.error({ err, path }, `the old ${what} could not be imported; it is tried again at the next start`);
    return { imported: 0, bad: damaged.length };
  }
  if (damaged.length > 0) await setAside(path, what, entries.length, damaged, log, damage);
  else await markImported(path, what, log);
  log?.info({ path, entries: entries.length, bad: damaged.length }, `imported the old ${what} into the database`);
  return { imported: entries.length, bad: damaged.length };
}

/** Keeps a journal with damaged lines as `<file>.damaged`, with its report, and reports each line. */
async function setAside(path: string, what: string, imported: number, damaged: readonly { line: number; reason: string }[], log?: Logger, damage?: JournalDamage): Promise<void> {
  const report = `${path}.damaged.json`;
  const body = { file: path, what, keptAs: `${path}.damaged`, foundAt: new Date().toISOString(), imported, damagedLines: damaged };
  await writeFile(report, JSON.stringify(body, null, 2) + '\n').catch((err: unknown) => log?.error({ err, path: report }, `cannot write the report on the damaged old ${what}`));
  await rename(path, `${path}.damaged`).catch((err: unknown) => log?.error({ err, path }, `cannot set the damaged old ${what} aside`));
  for (const { line, reason } of damaged) {
    const where = `${path}:${line}`;
    if (damage) damage.sink.found({ kind: damage.kind, where, reason: `${what}: ${reason}`, report });
    else log?.error({ where, reason, report }, `a damaged line of the old ${what} is skipped`);
  }
}
