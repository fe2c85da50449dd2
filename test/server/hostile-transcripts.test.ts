/**
 * Hostile transcript readers against the real server, with an honest player betting throughout:
 * a room of about 10 MB of transcript, played through the server by 16 dice players, is paged
 * while live, then fetched whole by 8 readers at once and requested by 60 sockets that never
 * read. The whole transcript of the finished room is the one built the way the server built it
 * before (every record read back, checked and put under the header), it verifies, carries a
 * strong ETag with immutable caching, and the stalled readers cost the server at most a bounded
 * buffer each.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { SqlRoomRecords } from '../../server/fairness/room-records.ts';
import { TRANSCRIPT_FORMAT, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { describeBigRoom, leaveBigRoom, playBigRoom, type BigRoom } from '../helpers/big-room.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, type FairnessParams } from '../helpers/player.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { eventLoopLagMax, residentBytes } from '../helpers/server-gauges.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { startTranscriptReaders, type Download } from '../helpers/transcript-readers.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The transcript the big room is played to, at least. */
const TARGET_BYTES = 10 * 1024 * 1024;

type Page = Transcript & { from: number; total: number; next: number | null };

let server: ServerProcess;
let fairness: FairnessParams;
/** The honest player of the test running. */
let honest: HonestBettor;
let bigRoom: BigRoom | undefined;
let roomId: string;

/** Runs `attack` with an honest player betting throughout; prints what it saw and checks every bet was answered. */
async function withHonest<T>(label: string, attack: () => Promise<T>): Promise<T> {
  honest = await HonestBettor.start(server.url);
  try {
    return await attack();
  } finally {
    const report = await honest.stop();
    console.log(describeHonest(label, report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  }
}

/** The honest player's answered bets so far, without stopping it. */
const honestBets = (): number => honest.gambler.outcomes.length;

/** The server's longest event-loop delay since the last read of /metrics, in seconds. */
const lagMax = (): Promise<number> => eventLoopLagMax(server.url);

/** The server's resident memory in bytes. */
const rss = (): number => residentBytes(server.pid);

beforeAll(async () => {
  // Anchored every second, so that the finished room's close is anchored (and its body immutable) soon.
  server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '1000', ANCHOR_PERIOD_MS: '1000' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
  await withHonest('while the big room is played', async () => {
    bigRoom = await playBigRoom(server.url, TARGET_BYTES);
    roomId = bigRoom.roomId;
    console.log(describeBigRoom(bigRoom));
  });
}, timeoutWithStarts(1, 300_000));

afterAll(async () => {
  // Players still seated (a test failed before the room finished) leave; a room they left is not left again.
  if (!finished) await Promise.all((bigRoom?.players ?? []).map((g) => g.room.leave().catch(() => undefined)));
  await server?.stop();
});

/** The room, finished: every player left and the room filed its close record. */
let finished: Promise<{ head: string; records: number }> | undefined;
function finish(): Promise<{ head: string; records: number }> {
  finished ??= (async () => {
    await leaveBigRoom(bigRoom!);
    return waitFor(
      async () => {
        const listed = await getJson<{ rooms: { roomId: string; head: string; records: number }[] }>(`${server.url}/rooms?status=closed&limit=1000`);
        return listed.rooms.find((r) => r.roomId === roomId);
      },
      { what: `room ${roomId} to be filed` },
    );
  })();
  return finished;
}

/** What the live room's pages held, put together (checked against the finished transcript). */
let paged: Transcript['records'] = [];
/** The finished room's transcript as served, once checked. */
let servedBody = '';

// Verifying a transcript of thousands of draws takes the test process's CPU for long: it is done
// outside the honest player's window (the honest player runs in this process too).
describe('hostile transcript readers', () => {
  it('a live room is served a page at a time: the first without a query, then each `next` to the end', async () => {
    const base = `${server.url}/rooms/${roomId}/transcript`;
    await withHonest('paging a live room', async () => {
      const res = await fetch(base);
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('cache-control') ?? '').not.toContain('immutable');
      const first = (await res.json()) as Page;
      expect(first).toMatchObject({ roomId, from: 0, next: 1000 });
      expect(first.records).toHaveLength(1000);
      expect(first.total).toBeGreaterThan(1000);
      paged = [...first.records];
      for (let next = first.next; next !== null; ) {
        const page: Page = await getJson<Page>(`${base}?from=${next}`);
        expect(page.from).toBe(next);
        expect(page.records.length).toBeLessThanOrEqual(1000);
        paged.push(...page.records);
        next = page.next;
      }
      expect(paged.length).toBeGreaterThanOrEqual(first.total);
    });
    expect(paged.map((r) => r.seq)).toEqual(paged.map((_, i) => i));
  });

  it('a finished room is served as stored: the transcript built the old way, verified, with a strong ETag, immutable, and 304 when unchanged', async () => {
    const { head: closeHash, records } = await finish();
    // Until its close is anchored the body names an older anchor and is revalidated; then it is final.
    const anchorIndex = await waitFor(
      async () => {
        const page = await getJson<{ anchor: { index: number; leaf: { lastSeq: number } } | null }>(`${server.url}/rooms/${roomId}/transcript?from=0&limit=1`);
        return page.anchor?.leaf.lastSeq === records - 1 ? page.anchor.index : undefined;
      },
      { what: "the room's close to be anchored" },
    );
    const head = `${closeHash}.${anchorIndex}`;
    await withHonest('a finished room and its ETag', async () => {
      const res = await fetch(`${server.url}/rooms/${roomId}/transcript`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('etag')).toBe(`"${head}"`);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      servedBody = await res.text();
      for (const tag of [`"${head}"`, `"other", "${head}"`, '*']) {
        const again = await fetch(`${server.url}/rooms/${roomId}/transcript`, { headers: { 'If-None-Match': tag } });
        expect(again.status, tag).toBe(304);
        expect(again.headers.get('etag')).toBe(`"${head}"`);
        expect(await again.text()).toBe('');
      }
      const stale = await fetch(`${server.url}/rooms/${roomId}/transcript`, { headers: { 'If-None-Match': '"stale"' } });
      expect(stale.status).toBe(200);
      await stale.body?.cancel();
    });
    console.log(`finished room ${roomId}: ${records} records, ${(servedBody.length / 1024 / 1024).toFixed(1)} MB`);
    expect(servedBody.length).toBeGreaterThanOrEqual(TARGET_BYTES);
    const streamed = JSON.parse(servedBody) as Transcript;
    // The old construction: the header, and every record read back from the database and checked.
    const database = await openDatabase(await serverPlace(server.dataDir));
    const checked = await new SqlRoomRecords(database).records(roomId).finally(() => database.close());
    const { suite, keyId, publicKey, receiptSigner } = fairness as unknown as Record<string, string>;
    expect(streamed).toMatchObject({ format: TRANSCRIPT_FORMAT, roomId, suite, keyId, publicKey, receiptSigner, records: checked, anchor: { index: anchorIndex } });
    expect(Object.keys(streamed).sort()).toEqual(['anchor', 'format', 'keyId', 'lastAnchorAt', 'publicKey', 'receiptSigner', 'records', 'roomId', 'suite']);
    expect(streamed.records).toHaveLength(records);
    expect(streamed.records.slice(0, paged.length)).toEqual(paged);
    const started = performance.now();
    expect(verifyTranscript(streamed, fairness)).toMatchObject({ ok: true, closed: true, problems: [] });
    console.log(`verifyTranscript of the ${records} records took ${((performance.now() - started) / 1000).toFixed(1)} s in the test process`);
  }, 600_000);

  it('8 readers download the 10 MB transcript at once while the honest player bets: each parses, equals the others and verifies', async () => {
    await finish();
    expect(servedBody.length).toBeGreaterThan(0);
    await lagMax(); // reads and resets the server's event-loop delay histogram
    // The readers run in a thread of their own, so that taking in 80 MB a round does not slow the
    // honest player, who runs on this thread: what it sees is the server's doing. Rounds of 8 at
    // once, until the honest player has made 20 bets meanwhile.
    const readers = startTranscriptReaders(`${server.url}/rooms/${roomId}/transcript`);
    const bodies: Download[] = [];
    const rounds = await withHonest('8 concurrent downloads', async () => {
      const from = honestBets();
      let round = 0;
      do {
        bodies.push(...(await readers.round()));
        round++;
      } while (honestBets() < from + 20);
      return round;
    }).finally(() => readers.stop());
    console.log(`${rounds} rounds of 8 concurrent downloads: the server's longest event-loop delay meanwhile ${((await lagMax()) * 1000).toFixed(0)} ms (nodejs_eventloop_lag_max_seconds)`);
    // Each is the very transcript verified above, byte for byte (so each parses and verifies).
    const verified = createHash('sha256').update(servedBody).digest('hex');
    expect(bodies).toHaveLength(8 * rounds);
    for (const body of bodies) expect(body).toEqual({ sha256: verified, length: servedBody.length, last: 'close' });
  });

  it('60 sockets that request the transcript and never read hold the server to under 1.2x its memory; once they are gone the honest player still plays', async () => {
    await finish();
    await withHonest('60 non-reading sockets', async () => {
      const before = rss();
      const sockets: Socket[] = [];
      for (let i = 0; i < 60; i++) {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.pause(); // never reads: the kernel's buffers fill, then the server's writes stall
        socket.write(`GET /rooms/${roomId}/transcript HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        sockets.push(socket);
      }
      // The server's memory is sampled while the honest player makes 20 more bets.
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
      try {
        const from = honestBets();
        await waitFor(() => honestBets() >= from + 20, { what: 'the honest player to make 20 bets' });
      } finally {
        clearInterval(sampler);
      }
      const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
      console.log(`60 non-reading sockets: server RSS ${mb(before)} MB before, peak ${mb(peak)} MB (${(peak / before).toFixed(2)}x)`);
      expect(peak).toBeLessThan(before * 1.2);
      for (const s of sockets) s.destroy();
      const from = honestBets();
      await waitFor(() => honestBets() >= from + 5, { what: 'the honest player to make 5 more bets once the sockets are gone' });
    });
  });
});
