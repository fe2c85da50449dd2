/**
 * The finished rooms, findable: `rooms/closed/` listed in the order rooms were filed (the time
 * their close record was written, then the room id), a page at a time, each with where its
 * transcript ends (the close record's seq, draw count and hash), so an auditor can fetch every
 * finished room's transcript and know it whole. Only a page's rooms are read, from their end.
 * @module
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export interface ClosedRoom {
  readonly roomId: string;
  /** From the close record: when the room was filed (ms since 1970), its draws and records, and the close record's hash. */
  readonly closedAt: number;
  readonly draws: number;
  readonly records: number;
  readonly head: string;
}

export interface ClosedRoomsPage {
  readonly rooms: ClosedRoom[];
  /** Pass as `after` for the next page; null after the last. */
  readonly next: string | null;
}

/** The journal line of a close record, as far as the listing needs it (the transcript verifier checks the rest). */
const CloseLine = z.object({
  record: z.object({ type: z.literal('close'), seq: z.number().int().min(0), drawSeq: z.number().int().min(0), closedAt: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** A cursor names the last room of a page: its file's write time and its id, which order the listing. */
const cursorOf = (mtimeMs: number, roomId: string): string => `${Math.floor(mtimeMs)}.${roomId}`;

export async function listClosedRooms(closedDir: string, opts: { after?: string; limit: number }): Promise<ClosedRoomsPage> {
  const names = (await readdir(closedDir)).filter((n) => n.endsWith('.jsonl'));
  const files = await Promise.all(
    names.map(async (name) => {
      const roomId = name.slice(0, -'.jsonl'.length);
      const mtimeMs = (await stat(join(closedDir, name)).catch(() => undefined))?.mtimeMs;
      return mtimeMs === undefined ? undefined : { roomId, key: cursorOf(mtimeMs, roomId), mtimeMs };
    }),
  );
  const ordered = files
    .filter((f): f is NonNullable<typeof f> => f !== undefined)
    .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
  const start = opts.after === undefined ? 0 : ordered.findIndex((f) => f.key === opts.after) + 1;
  // An unknown cursor (a room deleted since) starts after the last room filed no later than it.
  const from = start > 0 || opts.after === undefined ? start : ordered.filter((f) => f.key <= opts.after!).length;
  const page = ordered.slice(from, from + opts.limit);
  const rooms = (await Promise.all(page.map(async (f) => closedRoom(join(closedDir, `${f.roomId}.jsonl`), f.roomId)))).filter((r): r is ClosedRoom => r !== undefined);
  const last = page.at(-1);
  return { rooms, next: last && from + page.length < ordered.length ? last.key : null };
}

/** A finished room's end, from the last line of its transcript; undefined if that is not a close record (a damaged file). */
async function closedRoom(path: string, roomId: string): Promise<ClosedRoom | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    // A close record's line is well under 4 KB.
    const length = Math.min(size, 4096);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const line = buffer.subarray(0, bytesRead).toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    const parsed = CloseLine.safeParse(JSON.parse(line));
    if (!parsed.success) return undefined;
    const r = parsed.data.record;
    return { roomId, closedAt: r.closedAt, draws: r.drawSeq, records: r.seq + 1, head: r.hash };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
