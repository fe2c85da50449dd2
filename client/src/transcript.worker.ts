/**
 * /verify's worker: a whole transcript through `verifyTranscript` (the one step-by-step verifier,
 * fed every record from the first), off the main thread; answers the report and how long it took.
 */
import { verifyTranscript, type TrustedKeys } from '../../vrf/protocol/transcript.ts';

self.onmessage = (event: MessageEvent<{ transcript: unknown; keys: TrustedKeys }>) => {
  const started = performance.now();
  const report = verifyTranscript(event.data.transcript, event.data.keys);
  self.postMessage({ report, ms: performance.now() - started });
};
