/** Verifies a whole transcript off the main thread; answers the report and how long it took. */
import { verifyTranscript, type TrustedKeys } from '../../vrf/protocol/transcript.ts';

self.onmessage = (event: MessageEvent<{ transcript: unknown; keys: TrustedKeys }>) => {
  const started = performance.now();
  const report = verifyTranscript(event.data.transcript, event.data.keys);
  self.postMessage({ report, ms: performance.now() - started });
};
