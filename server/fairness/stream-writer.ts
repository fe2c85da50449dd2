/**
 * Writes a response piece by piece with backpressure and a write timeout: the next piece is made
 * (for a transcript: read from the database) only once the socket took the previous one, so a
 * slow or stalled reader holds at most one piece in memory, and one that does not drain within
 * the timeout is cut off. Each piece is made and written in a turn of the event loop of its own,
 * however fast the reader, so a long response never holds the loop for more than one piece.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { setImmediate } from 'node:timers/promises';

/** Why a stream stopped before its end: the reader went away or did not drain in time. */
export class StreamCut extends Error {}

/**
 * Writes every piece `pieces` yields (a piece: its parts, written together under one cork),
 * waiting for the socket to drain after each piece it could not take at once, then ends the
 * response. A piece is written as its parts, not joined: a joined piece of more than 128 KB would
 * be a large object on V8's heap, which only a full collection frees, while the parts are small
 * strings a scavenge frees and the socket copies off the heap. A reader that does not drain within
 * `timeoutMs` has its response destroyed; a reader that went away stops the pieces (the generator
 * is returned, so nothing more is read). Resolves once the response is ended, or cut (StreamCut
 * is swallowed: the reader is gone, there is no one to tell); rejects with what `pieces` threw.
 */
export async function writePieces(res: ServerResponse, pieces: AsyncIterable<readonly string[]>, timeoutMs: number): Promise<'ended' | 'cut'> {
  try {
    for await (const parts of pieces) {
      if (res.destroyed) throw new StreamCut('the reader went away');
      res.cork();
      for (const part of parts) res.write(part);
      res.uncork();
      if (res.writableNeedDrain) await drained(res, timeoutMs);
      // A fast reader takes a piece at once: the next is still made in a later turn of the event
      // loop, not in this one's microtasks, so no response holds the loop for more than a piece.
      else await setImmediate();
    }
  } catch (err) {
    if (err instanceof StreamCut) {
      res.destroy();
      return 'cut';
    }
    throw err;
  }
  res.end();
  return 'ended';
}

/** Resolves when the response drains; rejects with StreamCut when it closes or `timeoutMs` passes first. */
function drained(res: ServerResponse, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new StreamCut('the reader went away'));
    const timer = setTimeout(() => done(new StreamCut(`the reader took nothing for ${timeoutMs} ms`)), timeoutMs);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
