/**
 * Checks off the main thread, so verification never stalls the game. Two kinds of work:
 * - the player's own receipt before revealing (`receiptProblems`: the pinned signer, exactly my
 *   bet and my commitment), stateless;
 * - every record the page hears in a room, fed to that room's `LiveTranscript` (one per room,
 *   kept while the page follows it), which checks it in chain order with the one transcript
 *   verifier, fetching the room's transcript to start and to fill gaps.
 * The same vrf/ code as the server and the CLI runs here.
 * @module
 */
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { RegistryEntries } from '../../vrf/protocol/registry-check.ts';
import { receiptProblems, type IntendedDraw, type TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { LiveTranscript, type Verdict } from './live-transcript.ts';
import { fetchWholeTranscript } from './fetch-transcript.ts';

export type WorkerRequest =
  | { id: number; op: 'receipt'; keys: TrustedKeys; receipt: ReceiptRecord; intended: IntendedDraw}
  /** Starts following a room (its transcript so far is fetched and verified, its receipts against `registry` when given), or catches up one already followed. */
  | { id: number; op: 'follow'; roomId: string; keys: TrustedKeys; registry?: RegistryEntries }
  | { id: number; op: 'record'; roomId: string; record: unknown }
  | { id: number; op: 'forget'; roomId: string };

export type WorkerAnswer =
  | { id: number; problems: string[] }
  | { id: number; verdict: Verdict }
  | { id: number; done: true }
  /** A record of the room's transcript, heard by no one on this page, that fails. */
  | { roomId: string; history: Verdict };

const rooms = new Map<string, LiveTranscript>();

function follow(roomId: string, keys: TrustedKeys, registry?: RegistryEntries): Promise<void> {
  let room = rooms.get(roomId);
  if (!room) {
    const url = new URL(`/rooms/${encodeURIComponent(roomId)}/transcript`, self.location.origin);
    // A live room's transcript comes a page at a time: every page, put together.
    const fetchTranscript = () => fetchWholeTranscript(url);
    room = new LiveTranscript(roomId, keys, fetchTranscript, (history) => post({ roomId, history }), registry);
    rooms.set(roomId, room);
  }
  return room.catchUp();
}

async function answer(req: WorkerRequest): Promise<WorkerAnswer> {
  switch (req.op) {
    case 'receipt':
      return { id: req.id, problems: receiptProblems(req.receipt, req.intended, req.keys) };
    case 'follow':
      await follow(req.roomId, req.keys, req.registry);
      return { id: req.id, done: true };
    case 'record': {
      const room = rooms.get(req.roomId);
      if (!room) return { id: req.id, verdict: { seq: -1, type: 'unknown', problems: [], unplaced: 'this page does not follow the room' } };
      return { id: req.id, verdict: await room.receive(req.record) };
    }
    case 'forget':
      rooms.delete(req.roomId);
      return { id: req.id, done: true };
  }
}

function post(message: WorkerAnswer): void {
  self.postMessage(message);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => void answer(event.data).then(post);
