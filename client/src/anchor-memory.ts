/**
 * What this tab has seen of each room's anchors (sessionStorage): the newest anchor index, the
 * head it fixed and the records of the newest transcript that verified against the chain. A
 * room's history only grows and its anchors only move on, so a later transcript of the room
 * served with an older anchor, or with fewer records, is one an operator cut back: flagged even
 * when the newer anchor that would show it lies past what the check reads.
 * @module
 */
import { readTabJson } from './tab-storage.ts';

/** The newest of a room this tab verified. */
export interface SeenAnchor {
  readonly index: number;
  /** The anchored head's seq. */
  readonly lastSeq: number;
  /** How many records the transcript held. */
  readonly records: number;
}

const key = (roomId: string): string => `fairplay.anchor-seen.${roomId}`;

function valid(seen: unknown): seen is SeenAnchor {
  const s = seen as Partial<SeenAnchor> | undefined;
  return [s?.index, s?.lastSeq, s?.records].every((n) => Number.isSafeInteger(n) && (n as number) >= -1);
}

/** What this tab verified of `roomId` before, if anything. */
export function seenAnchor(roomId: string): SeenAnchor | undefined {
  const seen = readTabJson<unknown>(key(roomId));
  return valid(seen) ? seen : undefined;
}

/** Why a transcript now served is older than what this tab verified of its room, or undefined. Pure. */
export function olderThanSeen(seen: SeenAnchor | undefined, now: { index: number | null; records: number }): string | undefined {
  if (!seen) return undefined;
  const was = `this tab verified anchor ${seen.index} of this room (records 0 to ${seen.lastSeq}, ${seen.records} records in all)`;
  if (now.index === null || now.index < seen.index) return `${was}; now it is served ${now.index === null ? 'no anchor' : `anchor ${now.index}`}, an older one`;
  if (now.records < seen.records) return `${was}; now it is served ${now.records} records, a shorter history`;
  return undefined;
}

/** Remembers a transcript of `roomId` that verified against the chain, unless this tab saw a newer one. */
export function rememberAnchor(roomId: string, now: SeenAnchor): void {
  const seen = seenAnchor(roomId);
  const newest: SeenAnchor = seen ? { index: Math.max(seen.index, now.index), lastSeq: Math.max(seen.lastSeq, now.lastSeq), records: Math.max(seen.records, now.records) } : now;
  try {
    sessionStorage.setItem(key(roomId), JSON.stringify(newest));
  } catch {
    /* storage full or refused: the check still ran, it is only not remembered */
  }
}
