/**
 * The fairness panel's anchor line: whether the room's history up to this draw is fixed on chain.
 * The transcript names the room's latest anchor (FAIRNESS.md section 7a); its root is read from
 * the fairness registry through the server's JSON-RPC endpoint, and `anchorProblems` checks that
 * the proof folds to it and that the records up to the anchored head are the transcript's. The
 * draw is anchored when that head is at or after the draw's last record. Never throws.
 * @module
 */
import { anchorProblems, parseTranscriptAnchor } from '../../vrf/protocol/anchor-proof.ts';
import { ChainRegistry } from '../../vrf/protocol/chain-registry.ts';
import { addressOf, type Fairness } from './api.ts';
import type { PanelLine } from './fairness-panel-checks.ts';

export async function anchorLine(transcript: { roomId: string; records: readonly unknown[]; anchor?: unknown; lastAnchorAt?: unknown }, lastSeq: number, keys: Fairness): Promise<PanelLine> {
  const label = 'anchored on chain';
  if (!('anchor' in transcript)) return { step: 'anchor', label, value: 'this server gives no anchors with its transcripts' };
  const { anchor, problem } = parseTranscriptAnchor(transcript.anchor);
  if (problem) return { step: 'anchor', label, value: problem, check: false };
  if (!anchor) return { step: 'anchor', label, value: 'not yet: no anchor of this room is on chain yet (anchors are posted every few minutes)' };
  const registry = addressOf(keys.chain.registry);
  if (!registry) return { step: 'anchor', label, value: `anchor ${anchor.index} named, but this server publishes no registry to check it against` };
  let chain: ChainRegistry | undefined;
  try {
    chain = await ChainRegistry.connect(new URL(keys.chain.rpcUrl, location.origin).href, registry);
    const onChain = await chain.anchorAt(anchor.index);
    const problems = anchorProblems(transcript.roomId, transcript.records, anchor, onChain);
    if (problems.length) return { step: 'anchor', label, value: `anchor ${anchor.index} FAILED: ${problems.join('; ')}`, check: false };
    const head = anchor.leaf.lastSeq;
    const fixed = `anchor ${anchor.index} (block ${onChain.blockNumber}) fixes records 0 to ${head} of this room`;
    return head >= lastSeq
      ? { step: 'anchor', label, value: `yes: ${fixed}, this draw's (up to record ${lastSeq}) among them`, check: true }
      : { step: 'anchor', label, value: `not yet: ${fixed}; this draw's records (up to ${lastSeq}) come after it and will be in a later anchor` };
  } catch (e) {
    return { step: 'anchor', label, value: `the registry could not be read: ${(e as Error).message}`, check: false };
  } finally {
    chain?.destroy();
  }
}
