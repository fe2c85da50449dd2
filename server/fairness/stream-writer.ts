/**
 * Writes a response piece by piece with backpressure and a write timeout: the next piece is made
 * (for a transcript: read from the database) only once the socket took the previous one, so a
 * slow or stalled reader holds at most one piece in memory, and one that does not drain within
 * the timeout is cut off.
 * @module
 */
import type { ServerResponse } from 'node:http';

/** Why a stream stopped before its end: the reader went away or did not drain in time. */
export class StreamCut extends Error {}

/**
 * Writes every piece `pieces` yields, waiting for the socket to drain after each one it could
 * not take at once, then ends the response. A reader that does not drain within `timeoutMs` has
 * its response destroyed; a reader that went away stops the pieces (the generator is returned,
 * so nothing more is read). Resolves once the response is ended, or cut (StreamCut is swallowed:
 * the reader is gone, there is no one to tell); rejects with what `pieces` threw.
 */
export async function writePieces(res: ServerResponse, pieces: AsyncIterable<string>, timeoutMs: number): Promise<'ended' | 'cut'> {
  try {
    for await (const piece of pieces) {
      if (res.destroyed) throw new StreamCut('the reader went away');
      if (!res.write(piece)) await drained(res, timeoutMs);
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
