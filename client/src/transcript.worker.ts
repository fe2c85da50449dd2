/**
 * /verify's worker: a whole transcript through `verifyTranscript` (the one step-by-step verifier,
 * fed every record from the first), off the main thread; then, given a chain, the transcript's
 * anchor against the FairnessRegistry (anchor-check.ts). Answers the report, the anchor status
 * and how long the records took.
 */
import { verifyTranscript, type TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { anchorStatus, type AnchorStatus, type RegistryAt } from './anchor-check.ts';

export interface TranscriptJob {
  readonly transcript: unknown;
  readonly keys: TrustedKeys;
  /** Where the registry is read; absent: the anchor is checked off chain only (and fails for want of a chain). */
  readonly chain?: RegistryAt;
}

self.onmessage = async (event: MessageEvent<TranscriptJob>) => {
  const { transcript, keys, chain } = event.data;
  const started = performance.now();
  const report = verifyTranscript(transcript, keys);
  const ms = performance.now() - started;
  const anchor: AnchorStatus = await anchorStatus(transcript, chain).catch((e: Error) => ({ kind: 'failed', problems: [`the anchor check failed: ${e.message}`] }));
  self.postMessage({ report, ms, anchor });
};
