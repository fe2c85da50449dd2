/**
 * The servers the load tool starts when it is not given `--url`: one process with its embedded
 * chain node, or two sharing a Redis and an external chain (anvil); on SQLite in a data
 * directory (the two share one), or on a PostgreSQL of the tool's own (a data directory each,
 * the same keys). `LOAD_SERVER_ENV` is also what `--help` tells a user to give a server of
 * their own.
 * @module
 */
import { cpSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { prefill } from '../bench/prefill.ts';
import { startExternalChain } from '../helpers/external-chain.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { freePort, startServerProcess, tempDataDir, TEST_RATE_LIMITS, type ServerProcess } from '../helpers/server-process.ts';

/** Settings of a server under load: quiet logs, long raid rounds, a message rate the bots stay under. */
export const LOAD_SERVER_ENV: Readonly<Record<string, string>> = { LOG_LEVEL: 'warn', RAID_ROUND_SECONDS: '60', MAX_MESSAGES_PER_SECOND: '20' };

/** Everything a server of one's own needs for the load tool: the settings above, and rate limits every bot from 127.0.0.1 stays under. */
export const SERVER_ENV_FOR_LOAD: Readonly<Record<string, string>> = { ...TEST_RATE_LIMITS, ...LOAD_SERVER_ENV };

export interface StartedServers {
  readonly servers: readonly ServerProcess[];
  stop(): Promise<void>;
}

export async function startServers(processes: number, database: 'sqlite' | 'postgres', prefillRecords: number, extraEnv: Record<string, string>): Promise<StartedServers> {
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const databaseEnv: Record<string, string> = { ...extraEnv, ...(postgres ? { DATABASE_URL: await postgres.createDatabase() } : {}) };
  const stops: (() => Promise<unknown>)[] = [async () => postgres?.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    if (processes === 1) {
      const dataDir = tempDataDir();
      if (prefillRecords > 0) console.log(`prefilled the database: ${JSON.stringify(await prefill({ dataDir, ...(databaseEnv['DATABASE_URL'] ? { databaseUrl: databaseEnv['DATABASE_URL'] } : {}) }, prefillRecords))}`);
      const server = await startServerProcess({ dataDir, env: { ...LOAD_SERVER_ENV, ...databaseEnv } });
      stops.push(() => server.stop());
      return { servers: [server], stop };
    }
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const chain = await startExternalChain();
    stops.push(() => chain.stop());
    const shared = tempDataDir();
    const ports = [await freePort(), await freePort()];
    const servers: ServerProcess[] = [];
    stops.push(() => Promise.all(servers.map((s) => s.stop())));
    for (const [i, port] of ports.entries()) {
      const env = { ...LOAD_SERVER_ENV, ...databaseEnv, ...chain.env, REDIS_URL: redis.url, NODE_ID: `n${i}`, PUBLIC_ADDRESS: `127.0.0.1:${port}`, PUBLIC_URL: `http://localhost:${ports[0]}` };
      const dataDir = postgres ? tempDataDir() : shared;
      // The keys of the first, as an operator gives every host the same.
      if (postgres && i > 0) cpSync(joinPath(servers[0]!.dataDir, 'keys'), joinPath(dataDir, 'keys'), { recursive: true });
      servers.push(await startServerProcess({ dataDir, port, env }));
    }
    return { servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
