/**
 * The hashes of the draw records this page heard live in its rooms and its verifier passed: a
 * receipt and the record that ended its draw (outcome or void), by room and draw. The fairness
 * panel fetches the room's transcript again from the server, and compares: a server that shows
 * the panel another draw than the one it played in the room (a transcript of its own, signed
 * with its own key, so every other check would hold) is caught here. Kept in memory only, for
 * this page's life: a draw of an earlier visit is not "heard", and the panel says so.
 * @module
 */

export interface HeardDraw {
  /** The receipt's hash, as heard and verified. */
  readonly receipt?: string;
  /** The hash of the record that ended the draw (outcome or void), as heard and verified. */
  readonly end?: string;
}

const heard = new Map<string, { receipt?: string; end?: string }>();
const key = (roomId: string, drawSeq: number) => `${drawSeq}@${roomId}`;

/** Notes a record heard in room `roomId` that its verifier passed (others are ignored). */
export function noteHeard(roomId: string, record: unknown, verified: boolean): void {
  if (!verified || typeof record !== 'object' || record === null) return;
  const { type, drawSeq, hash } = record as { type?: unknown; drawSeq?: unknown; hash?: unknown };
  if (typeof drawSeq !== 'number' || typeof hash !== 'string') return;
  const slot = key(roomId, drawSeq);
  const draw = heard.get(slot) ?? {};
  if (type === 'receipt') draw.receipt = hash;
  else if (type === 'outcome' || type === 'void') draw.end = hash;
  else return;
  heard.set(slot, draw);
}

/** What this page heard of draw `drawSeq` of room `roomId` (undefined: nothing). */
export function heardDraw(roomId: string, drawSeq: number): HeardDraw | undefined {
  return heard.get(key(roomId, drawSeq));
}
