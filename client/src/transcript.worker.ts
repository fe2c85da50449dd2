/**
 * /verify's worker: given a chain, the fairness registry is read once (its entries for the
 * transcript's games, the anchor at the transcript's anchor index, and the anchors newer than it
 * with their leaves from the server's /anchors); then the whole
 * transcript goes through `verifyTranscript` (the one step-by-step verifier, fed every record
 * from the first, every receipt checked against the registry's entries in force at its issue),
 * off the main thread. Answers the report, the anchor line's status, and how long the records took.
 */
import { verifyTranscript, type ChainView, type TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { anchorStatus, readChainView, type RegistryAt } from './anchor-check.ts';
import { vrfReady } from '../../vrf/index.ts';

// Start loading libsodium (WebAssembly) at once, while the transcript is fetched; the edwards25519
// proofs of a transcript then verify on it. Should WebAssembly be unavailable, they verify on
// @noble/curves with the same report.
const backendReady = vrfReady();

export interface TranscriptJob {
  readonly transcript: unknown;
  readonly keys: TrustedKeys;
  /** Where the registry is read; absent: nothing is checked against the chain. */
  readonly chain?: RegistryAt;
}

self.onmessage = async (event: MessageEvent<TranscriptJob>) => {
  const { transcript, keys, chain } = event.data;
  const read = chain ? await readChainView(transcript, chain) : undefined;
  const view: ChainView = read && 'view' in read ? read.view : {};
  await backendReady;
  const started = performance.now();
  const report = verifyTranscript(transcript, keys, view);
  const ms = performance.now() - started;
  const anchor = anchorStatus(transcript, report, {
    checked: read !== undefined && 'view' in read,
    ...(read && 'problem' in read ? { problem: read.problem } : {}),
    ...(read && 'anchorTimestamp' in read && read.anchorTimestamp !== undefined ? { anchorTimestamp: read.anchorTimestamp } : {}),
    ...(read && 'newer' in read && read.newer ? { newer: read.newer } : {}),
  });
  self.postMessage({ report, ms, anchor });
};
