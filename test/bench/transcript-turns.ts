/**
 * What one event-loop turn of a transcript response costs: for a finished room in a data
 * directory, serves the room's records the way `server/transcript-route.ts` does (a chunk of rows
 * read from the database, written under one cork, the next in a later turn or after a drain) to
 * five local downloads, and prints the CPU time of each turn (process.cpuUsage, so that a busy
 * machine's preemption does not count; it includes the GC's helper threads, so it is an upper
 * bound). A turn must stay well under 20 ms.
 *
 *   npx tsx test/bench/transcript-turns.ts DATA_DIR ROOM_ID [RECORDS_PER_CHUNK]
 * @module
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { openDatabase } from '../../server/db/database.ts';
import { SqlRoomRecords } from '../../server/fairness/room-records.ts';
import { TRANSCRIPT_CHUNK_RECORDS } from '../../server/transcript-route.ts';
const [dir, roomId, chunkArg] = process.argv.slice(2);
if (!dir || !roomId) throw new Error('usage: npx tsx test/bench/transcript-turns.ts DATA_DIR ROOM_ID [RECORDS_PER_CHUNK]');
const chunk = Number(chunkArg ?? TRANSCRIPT_CHUNK_RECORDS);
const database = await openDatabase({ dataDir: dir });
const records = new SqlRoomRecords(database);
const cpu: number[] = [];
const server = createServer(async (_req, res) => {
  res.setHeader('content-type', 'application/json');
  for (let seq = 0; ; seq += chunk) {
    const t = process.cpuUsage();
    const rows = await records.storedRecords(roomId, seq, chunk);
    res.cork();
    for (const [i, r] of rows.entries()) res.write((i === 0 && seq === 0 ? '{"records":[' : ',') + r.json);
    res.uncork();
    const d = process.cpuUsage(t);
    cpu.push((d.user + d.system) / 1000);
    if (rows.length < chunk) break;
    if (res.writableNeedDrain) await once(res, 'drain');
    else await setImmediate();
  }
  res.end(']}');
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as { port: number }).port;
for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${port}/`)).text();
cpu.sort((a, b) => a - b);
const at = (p: number) => cpu[Math.min(cpu.length - 1, Math.floor((p / 100) * cpu.length))]!.toFixed(2);
console.log(`chunk of ${chunk} records: ${cpu.length} turns, CPU per turn p50 ${at(50)} ms, p99 ${at(99)} ms, max ${cpu.at(-1)!.toFixed(2)} ms`);
server.close();
await database.close();
