/**
 * `GET /rooms/:roomId/transcript`: a room's transcript streamed from the database as stored.
 *
 * - A finished room without a query is served whole: immutable, so with a strong ETag (the close
 *   record's hash) and a year's `Cache-Control: immutable`; `If-None-Match` answers 304.
 * - A room set aside as damaged at start answers 409 with the reason (docs/operations.md, Damaged data).
 * - A live room without a query, and any room with `?from=&limit=`, is served a page: at most
 *   TRANSCRIPT_PAGE_MAX records, with `from`, `total` and `next` (null on the last page), so no
 *   request reads an unbounded live room.
 *
 * - With anchors running (`services().anchors`), the body also carries `anchor`, the proof of the
 *   room's latest head in a confirmed anchor (or null), and `lastAnchorAt`; a finished room's ETag
 *   then names its anchor too, and it is immutable only once its close is anchored.
 *
 * Each record's stored JSON text is written as it is: it was checked (schema and hash) before it
 * was written, so nothing is parsed or hashed again per request. Rows are read
 * TRANSCRIPT_CHUNK_RECORDS at a time, each chunk read, framed and written in a turn of the event
 * loop of its own (about half a millisecond of CPU: docs/operations.md, Transcripts), so no
 * request holds the loop for long at any transcript size; the next chunk is read only once the
 * socket drained the previous one; a reader that does not drain within
 * TRANSCRIPT_WRITE_TIMEOUT_MS is cut off (`stream-writer.ts`).
 * @module
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { StoredRecord } from './fairness/room-records.ts';
import { isRoomId, type RoomStore } from './fairness/room-store.ts';
import { writePieces } from './fairness/stream-writer.ts';
import { services } from './services.ts';

/** Records in a page when `limit` is not given, and the most a page may hold. */
export const TRANSCRIPT_PAGE_MAX = 1000;
/** Records read from the database per query, and written before waiting for the socket to drain. */
export const TRANSCRIPT_CHUNK_RECORDS = 50;
/** A response the reader takes nothing of for this long is destroyed. */
export const TRANSCRIPT_WRITE_TIMEOUT_MS = 30_000;
/** A finished room's transcript never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const PageQuery = z.strictObject({ from: count.optional(), limit: count.min(1).max(TRANSCRIPT_PAGE_MAX).optional() });

export async function serveTranscript(req: Request, res: Response): Promise<void> {
  const roomId = String(req.params['roomId']);
  if (!isRoomId(roomId)) return void res.status(400).json({ error: 'room id must be 1 to 64 of A-Z a-z 0-9 _ -' });
  const query = PageQuery.safeParse(req.query);
  if (!query.success) return void res.status(400).json({ error: query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
  const { rooms } = services();
  const damaged = await rooms.damage(roomId);
  if (damaged) return void res.status(409).json({ error: `room ${roomId} is damaged and set aside`, damaged: damaged.reason, damagedAt: damaged.at });
  const filing = await rooms.filing(roomId);
  if (!filing) return void res.status(404).json({ error: `no room ${roomId}` });
  const head = `${JSON.stringify(rooms.header(roomId)).slice(0, -1)},"records":[`;
  const anchored = await services().anchors?.transcriptFields(roomId, filing.status === 'closed' ? filing.records : undefined);
  const anchorFields = anchored ? `,${anchored.json}` : '';

  if (filing.status === 'closed' && query.data.from === undefined && query.data.limit === undefined) {
    // The anchor changes until the close itself is anchored: until then the body is revalidated, by an ETag naming the anchor.
    const closeAnchored = !anchored || anchored.anchor?.leaf.lastSeq === filing.records - 1;
    const etag = anchored?.anchor ? `"${filing.head}.${anchored.anchor.index}"` : `"${filing.head}"`;
    res.set({ ETag: etag, 'Cache-Control': closeAnchored ? IMMUTABLE : 'no-cache' });
    if (matches(req.get('If-None-Match'), etag)) return void res.status(304).end();
    res.type('application/json');
    await writePieces(res, pieces(rooms, roomId, 0, filing.records, { head, tail: () => `]${anchorFields}}`, whole: true }), TRANSCRIPT_WRITE_TIMEOUT_MS);
    return;
  }

  const from = query.data.from ?? 0;
  const limit = query.data.limit ?? TRANSCRIPT_PAGE_MAX;
  // Counted first: records written meanwhile may be in the page, never missing from the count's range.
  const counted = filing.status === 'closed' ? filing.records : await rooms.recordCount(roomId);
  const tail = (written: number) => {
    const end = from + written;
    const total = Math.max(counted, end);
    return `],"from":${from},"total":${total},"next":${end < total ? end : null}${anchorFields}}`;
  };
  res.type('application/json');
  await writePieces(res, pieces(rooms, roomId, from, limit, { head, tail, whole: false }), TRANSCRIPT_WRITE_TIMEOUT_MS);
}

/**
 * The response in pieces: `head`, then records [from, from + limit) a chunk at a time, then
 * `tail`. A whole transcript must have every record (a finished room has no gap); a page stops at
 * the first chunk that comes back short (the live room's end so far).
 */
async function* pieces(
  rooms: RoomStore,
  roomId: string,
  from: number,
  limit: number,
  shape: { head: string; tail: (written: number) => string; whole: boolean },
): AsyncGenerator<string[]> {
  let seq = from;
  let separator = shape.head;
  while (seq < from + limit) {
    const want = Math.min(TRANSCRIPT_CHUNK_RECORDS, from + limit - seq);
    const rows = await rooms.storedRecords(roomId, seq, want);
    rows.forEach((row, i) => {
      if (row.seq !== seq + i) throw new Error(`room ${roomId}: record ${seq + i} is missing from the database`);
      if (!framed(row)) throw new Error(`room ${roomId}: record ${row.seq} in the database is damaged`);
    });
    if (shape.whole && rows.length < want) throw new Error(`room ${roomId}: record ${seq + rows.length} is missing from the database`);
    if (rows.length > 0) {
      yield rows.map((r, i) => (i === 0 ? separator : ',') + r.json);
      separator = ',';
    }
    seq += rows.length;
    if (rows.length < want) break;
  }
  yield separator === shape.head ? [shape.head, shape.tail(0)] : [shape.tail(seq - from)];
}

/**
 * Whether a stored row is whole: an object whose text ends with its own hash, as every record is
 * written (`{ ...record, hash }`). Not a re-validation (the verifier does that), only a guard
 * that a torn or hand-damaged row cannot break the JSON the rows are framed in. O(1) a row.
 */
function framed(row: StoredRecord): boolean {
  return row.json.startsWith('{') && row.json.endsWith(`,"hash":"${row.hash}"}`);
}

/** Whether an If-None-Match header names `etag` (or `*`). */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
