/**
 * The transcript's writer (server/fairness/stream-writer.ts) over real sockets: a reader that
 * takes everything gets every piece; one that never reads is cut off after the write timeout,
 * and the pieces stop being made (at most the ones the socket buffers took, plus one); one that
 * goes away stops them too.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePieces } from '../../server/fairness/stream-writer.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** 64 KB a piece, 1,000 pieces: 64 MB, far more than a socket's buffers hold. */
const PIECE = 'x'.repeat(64 * 1024);
const PIECES = 1000;
const TIMEOUT_MS = 500;

let server: Server;
let port = 0;
const runs: { made: number; result?: 'ended' | 'cut' | Error }[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    const run: (typeof runs)[number] = { made: 0 };
    runs.push(run);
    async function* pieces() {
      for (let i = 0; i < PIECES; i++) {
        run.made++;
        yield [PIECE];
      }
    }
    writePieces(res, pieces(), TIMEOUT_MS).then(
      (r) => (run.result = r),
      (e: Error) => (run.result = e),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

const request = () => {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return socket;
};

describe('writing a response in pieces', () => {
  it('gives a reader that reads every piece, then ends', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect((await res.text()).length).toBe(PIECE.length * PIECES);
    expect(runs.at(-1)).toMatchObject({ made: PIECES, result: 'ended' });
  });

  it('cuts off a reader that never reads after the write timeout, having made few pieces', async () => {
    const socket = request();
    socket.pause();
    await waitFor(() => runs.length === 2 && runs[1]!.result, { what: 'the stalled response to be cut off' });
    const run = runs[1]!;
    console.log(`a reader that never reads: cut off after ${run.made} of ${PIECES} pieces`);
    expect(run.result).toBe('cut');
    expect(run.made).toBeLessThan(PIECES / 4);
    socket.destroy();
  });

  it('stops making pieces once the reader went away', async () => {
    const socket = request();
    socket.pause();
    await waitFor(() => runs.length === 3 && runs[2]!.made > 0, { what: 'the response to start' });
    socket.destroy();
    await waitFor(() => runs[2]!.result, { what: 'the response to stop' });
    expect(runs[2]).toMatchObject({ result: 'cut' });
    expect(runs[2]!.made).toBeLessThan(PIECES / 4);
  });
});
