/**
 * Readers that download a transcript whole, 8 at once, in a worker thread of their own: taking
 * in 8 big bodies a round costs the reading process much CPU, and an honest player measured in
 * the main thread would otherwise count that as the server's doing.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** What a reader got: the body's SHA-256, length and last record's type. */
export interface Download {
  readonly sha256: string;
  readonly length: number;
  readonly last: string;
}

/**
 * The thread: on each message, fetches the transcript 8 times at once, parses each and answers
 * their SHA-256, length and last record's type (or the error).
 */
const READERS = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', async () => {
  try {
    const bodies = await Promise.all(Array.from({ length: 8 }, () => fetch(workerData.url).then((r) => r.text())));
    parentPort.postMessage(bodies.map((b) => ({ sha256: createHash('sha256').update(b).digest('hex'), length: b.length, last: JSON.parse(b).records.at(-1)?.type })));
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
});
`;

export interface TranscriptReaders {
  /** One round of 8 concurrent downloads; throws if any failed. */
  round(): Promise<Download[]>;
  stop(): Promise<void>;
}

export function startTranscriptReaders(url: string): TranscriptReaders {
  const worker = new Worker(READERS, { eval: true, workerData: { url } });
  return {
    async round() {
      worker.postMessage('round');
      const [answer] = (await once(worker, 'message')) as [Download[] | { error: string }];
      if ('error' in answer) throw new Error(`a download failed: ${answer.error}`);
      return answer;
    },
    async stop() {
      await worker.terminate();
    },
  };
}
