/**
 * The page's fetch of a room's transcript (client/src/fetch-transcript.ts) against a real HTTP
 * server: a live room's pages are followed by `next` and put together under the first page's
 * header; a finished room's whole transcript is taken as it is; an error status fails.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWholeTranscript } from '../../client/src/fetch-transcript.ts';

const header = { format: 'fairplay-transcript-v2', roomId: 'r1', suite: 's', keyId: 'k', publicKey: 'ab', receiptSigner: '0x1' };
const records = Array.from({ length: 7 }, (_, seq) => ({ seq, type: 'receipt' }));
let server: Server;
let base = '';
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    asked.push(url.pathname + url.search);
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/rooms/closed/transcript') return void res.end(JSON.stringify({ ...header, records }));
    if (url.pathname !== '/rooms/r1/transcript') return void res.writeHead(404).end('{"error":"no room"}');
    // Pages of 3, as a live room's (FAIRNESS.md section 4).
    const from = Number(url.searchParams.get('from') ?? 0);
    const page = records.slice(from, from + 3);
    const end = from + page.length;
    res.end(JSON.stringify({ ...header, records: page, from, total: records.length, next: end < records.length ? end : null }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

describe('fetching a whole transcript', () => {
  it("follows a live room's pages to the end and puts them together under the header", async () => {
    asked.length = 0;
    expect(await fetchWholeTranscript(new URL(`${base}/rooms/r1/transcript`))).toEqual({ ...header, records });
    expect(asked).toEqual(['/rooms/r1/transcript', '/rooms/r1/transcript?from=3', '/rooms/r1/transcript?from=6']);
  });

  it("takes a finished room's whole transcript in one answer", async () => {
    asked.length = 0;
    expect(await fetchWholeTranscript(new URL(`${base}/rooms/closed/transcript`))).toEqual({ ...header, records });
    expect(asked).toHaveLength(1);
  });

  it('fails on an error status', async () => {
    await expect(fetchWholeTranscript(new URL(`${base}/rooms/none/transcript`))).rejects.toThrow('HTTP 404');
  });
});
