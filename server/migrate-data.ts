/**
 * `npm run migrate-data -- --from DIR`: imports a data directory written by the version before
 * the database (its room transcripts, chip journals, award journals and mint log) into the
 * database this server is configured with: Postgres with `DATABASE_URL`, else SQLite in
 * `DATA_DIR` (the same variables as `npm start`). It is what every start does with its own
 * `DATA_DIR` (`server/storage/import-previous-version.ts`), for a directory elsewhere: moving a
 * host's data into a cluster's Postgres, say. Stop the server that wrote DIR first.
 *
 * Each imported file is renamed `<file>.imported` (rooms: `rooms.imported/`) in DIR, and the
 * import is idempotent, so it may be run again. DIR's keys are copied to `DATA_DIR/keys/` if that
 * has none: the transcripts are signed with them and rooms left open are settled with them. It
 * prints what the database holds afterwards; the exit code is 1 if anything could not be
 * imported (the log says what), 2 for bad usage. It refuses to run while any server (or another
 * migration) holds DIR, or a lone server holds `DATA_DIR` (`server/storage/data-dir-lock.ts`).
 * @module
 */
import { cpSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { TOKEN_IDS } from './awards/tokens.ts';
import { SqlAwardOutbox } from './awards/sql-award-outbox.ts';
import { SqlMintLog } from './awards/sql-mint-log.ts';
import { ChipLedger } from './chips/chip-ledger.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { SqlRoomRecords } from './fairness/room-records.ts';
import { importPreviousVersion } from './storage/import-previous-version.ts';
import { lockDataDir } from './storage/data-dir-lock.ts';

/** The mint log is only applied to here, whose entries name their own contract. */
const ANY_CONTRACT = '0x0000000000000000000000000000000000000000';

function usage(message: string): never {
  console.error(`migrate-data: ${message}\nusage: npm run migrate-data -- --from DIR   (into DATABASE_URL, or SQLite in DATA_DIR)`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { from: string } {
  if (argv.length !== 2 || argv[0] !== '--from' || !argv[1]) usage('expected --from DIR');
  const from = resolve(argv[1]);
  if (!existsSync(from) || !statSync(from).isDirectory()) usage(`${from} is not a directory`);
  return { from };
}

/** A logger to stderr that counts the errors it logs: each is something not imported. */
function countingLogger(): { log: Logger; errors: () => number } {
  let errors = 0;
  const log = pino(
    {
      level: 'info',
      hooks: {
        logMethod(args, method, level) {
          if (level >= 50) errors++;
          method.apply(this, args);
        },
      },
    },
    pino.destination(2),
  );
  return { log, errors: () => errors };
}

/** The tables the report counts rows of. */
const REPORTED = ['rooms', 'room_records', 'chip_entries', 'chip_balances', 'awards', 'mint_txs', 'minted_awards'] as const;

async function counts(database: Database): Promise<Record<string, number>> {
  const count = async (table: (typeof REPORTED)[number]) => Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return Object.fromEntries(await Promise.all(REPORTED.map(async (t) => [t, await count(t)] as const)));
}

async function main(): Promise<number> {
  const { from } = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const { log, errors } = countingLogger();
  // DIR is read and renamed: nothing else may use it meanwhile. DATA_DIR may be a cluster
  // member's (importing into the cluster's database), but not a lone server's.
  const locks = [lockDataDir(from)];
  try {
    if (resolve(config.dataDir) !== from) locks.push(lockDataDir(config.dataDir, { sharedAs: 'migrate-data' }));
  } catch (e) {
    locks[0]!.release();
    throw e;
  }
  try {
    return await migrate(from, config, log, errors);
  } finally {
    for (const lock of locks) lock.release();
  }
}

async function migrate(from: string, config: Config, log: Logger, errors: () => number): Promise<number> {
  if (resolve(config.dataDir) !== from && existsSync(join(from, 'keys')) && !existsSync(join(config.dataDir, 'keys'))) {
    cpSync(join(from, 'keys'), join(config.dataDir, 'keys'), { recursive: true, preserveTimestamps: true });
    log.info({ from: join(from, 'keys'), to: join(config.dataDir, 'keys') }, 'copied the keys');
  }
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  try {
    const chips = await ChipLedger.open(database, config.startingUnits);
    const owner = config.redisUrl ? config.nodeId : 'local';
    await importPreviousVersion(
      from,
      {
        rooms: new SqlRoomRecords(database),
        owner,
        ownerOfNode: (id) => (config.redisUrl ? id : owner),
        chips,
        awards: new SqlAwardOutbox(database, TOKEN_IDS),
        mints: new SqlMintLog(database, ANY_CONTRACT),
      },
      log,
    );
    await chips.close();
    console.log(JSON.stringify({ database: database.where, holds: await counts(database), problems: errors() }));
    return errors() > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`migrate-data: ${(err as Error).message}`);
    process.exit(1);
  },
);
