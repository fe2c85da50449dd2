/**
 * The award outbox and mint log of the version before the database (`awards.jsonl`, each
 * cluster process's `nodes/<id>/awards.jsonl`, `mints.jsonl`), imported into it at start.
 * Importing again imports nothing twice: awards by id, and the mint log's entries applied again
 * in order leave the same rows.
 * @module
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DamageSink } from '../storage/damage.ts';
import { importOldJournal, oldJournals } from '../storage/old-journals.ts';
import { InvalidAward, parseAward, type Award, type AwardSink } from './award-sink.ts';
import { parseMintEntry, type MintLog } from './mint-log.ts';

/** Awards (or mint log entries) written in one transaction. */
const CHUNK = 500;

export async function importAwardJournal(path: string, outbox: AwardSink, log?: Logger, damage?: DamageSink): Promise<{ imported: number; bad: number } | undefined> {
  let refused = 0;
  const result = await importOldJournal(path, 'award journal', parseAward, async (awards: Award[]) => {
    for (let i = 0; i < awards.length; i += CHUNK) {
      const chunk = awards.slice(i, i + CHUNK);
      // An award the outbox refuses now (a token id no longer configured) must not keep out the others.
      await outbox.record(chunk).catch(async (err: unknown) => {
        if (!(err instanceof InvalidAward)) throw err;
        for (const a of chunk)
          await outbox.record([a]).catch((e: unknown) => {
            if (!(e instanceof InvalidAward)) throw e;
            refused++;
            log?.error({ path, awardId: a.awardId, err: e.message }, 'an award of the old journal is refused: not imported');
          });
      });
    }
  }, log, damage && { sink: damage, kind: 'award-journal' });
  return result && { imported: result.imported - refused, bad: result.bad + refused };
}

export function importMintJournal(path: string, mints: Pick<MintLog, 'apply'>, log?: Logger, damage?: DamageSink): Promise<{ imported: number; bad: number } | undefined> {
  return importOldJournal(path, 'mint log', parseMintEntry, async (entries) => {
    for (let i = 0; i < entries.length; i += CHUNK) await mints.apply(entries.slice(i, i + CHUNK));
  }, log, damage && { sink: damage, kind: 'mint-journal' });
}

/** Every old award journal of the data directory, then its mint log (whose entries name those awards). */
export async function importOldAwardJournals(dataDir: string, outbox: AwardSink, mints: Pick<MintLog, 'apply'>, log?: Logger, damage?: DamageSink): Promise<void> {
  for (const path of await oldJournals(dataDir, 'awards.jsonl')) await importAwardJournal(path, outbox, log, damage);
  await importMintJournal(join(dataDir, 'mints.jsonl'), mints, log, damage);
}
