/**
 * /verify's view of a transcript against the chain (FAIRNESS.md, Anchored transcripts and the
 * fairness registry): the registry read once through the JSON-RPC URL given (the server's
 * `/chain`, or any node), then the one transcript verifier run with its entries (every receipt's
 * signer, key and rules must be those in force at its issue) and the anchor at the transcript's
 * anchor index (vrf/protocol/anchor-proof.ts: the proof folds to that root, and the records up
 * to the anchored head are the anchored ones); and, with the server's `/anchors`, the anchors newer
 * than the transcript's own (vrf/protocol/newer-anchors.ts: none may hold the room at a head the
 * transcript lacks). What this module adds is the line the page shows: anchored at block N
 * (anchor i of M), not yet anchored (the transcript's `anchor` is null), FAILED with the reasons,
 * or not checked for want of a chain; with what the newer anchors said.
 * @module
 */
import { anchorProblems, parseTranscriptAnchor, type ChainAnchor } from '../../vrf/protocol/anchor-proof.ts';
import { ChainRegistry } from '../../vrf/protocol/chain-registry.ts';
import { scanNewerAnchors, servedAnchorsOf } from '../../vrf/protocol/newer-anchors-scan.ts';
import { newerAnchorsProblems, type NewerAnchorsReport } from '../../vrf/protocol/newer-anchors.ts';
import type { ChainView, TranscriptReport } from '../../vrf/protocol/transcript.ts';

export interface RegistryAt {
  readonly rpcUrl: string;
  /** The FairnessRegistry's address. */
  readonly registry: string;
  /** The origin whose `GET /anchors/:index` serves the newer anchors' leaves; absent: they are not checked. */
  readonly server?: string;
}

export type AnchorStatus =
  | {
      readonly kind: 'anchored';
      readonly index: number;
      readonly blockNumber: number;
      readonly lastSeq: number;
      /** ms since 1970 */ readonly anchoredAt: number;
      /** How many anchors the registry holds, when read. */ readonly anchorCount?: number;
      readonly newer?: NewerAnchorsReport;
    }
  | { readonly kind: 'not-anchored'; /** ms since 1970, or null when the server has no confirmed anchor at all. */ readonly lastAnchorAt: number | null; readonly newer?: NewerAnchorsReport }
  | { readonly kind: 'failed'; readonly problems: string[]; readonly newer?: NewerAnchorsReport }
  /** The anchor holds off chain (its proof folds to the root it names, the records hold its head), but no chain was given to read the root from. */
  | { readonly kind: 'unchecked'; readonly index: number }
  /** The transcript carries no anchor fields (an older server, or a file saved before anchors). */
  | { readonly kind: 'absent' };

type Loose = { roomId?: unknown; records?: unknown; anchor?: unknown; lastAnchorAt?: unknown };
const loose = (t: unknown): Loose => (typeof t === 'object' && t !== null ? t : {}) as Loose;

/**
 * What the chain says for this transcript: the registry's entries (for the games its receipts
 * name) and the anchor at its anchor index; or why the chain could not be read.
 */
export async function readChainView(transcript: unknown, at: RegistryAt): Promise<{ view: ChainView; anchorTimestamp?: number; newer?: NewerAnchorsReport } | { problem: string }> {
  const t = loose(transcript);
  const records = Array.isArray(t.records) ? (t.records as { type?: unknown; game?: unknown }[]) : [];
  const games = [...new Set(records.filter((r) => r?.type === 'receipt' && typeof r.game === 'string').map((r) => r.game as string))];
  const { anchor } = parseTranscriptAnchor(t.anchor);
  let registry: ChainRegistry | undefined;
  try {
    registry = await ChainRegistry.connect(at.rpcUrl, at.registry);
    const [entries, onChain] = await Promise.all([registry.entries(games), anchor ? registry.anchorAt(anchor.index) : undefined]);
    const newer = at.server ? await newerAnchors(transcript, registry, at.server, anchor?.index) : undefined;
    return { view: { registry: entries, ...(onChain ? { anchor: onChain } : {}) }, ...(onChain ? { anchorTimestamp: onChain.timestamp } : {}), ...(newer ? { newer } : {}) };
  } catch (e) {
    return { problem: `the registry could not be read: ${(e as Error).message}` };
  } finally {
    registry?.destroy();
  }
}

/** The anchors newer than `servedIndex` read from the registry and from `server`'s /anchors (never throws). */
function newerAnchors(transcript: unknown, registry: ChainRegistry, server: string, servedIndex: number | undefined): Promise<NewerAnchorsReport> {
  const t = loose(transcript);
  const sources = { anchorCount: () => registry.anchorCount(), anchorAt: (i: number) => registry.anchorAt(i), served: servedAnchorsOf(server) };
  return scanNewerAnchors(typeof t.roomId === 'string' ? t.roomId : '', Array.isArray(t.records) ? t.records : [], servedIndex, sources);
}

/**
 * The anchor line for a transcript, given the verifier's report (run with the chain's view when
 * there was one), the anchor's timestamp on chain (seconds), and why the chain could not be
 * read, if it could not.
 */
export function anchorStatus(
  transcript: unknown,
  report: TranscriptReport,
  chain: { anchorTimestamp?: number; problem?: string; checked: boolean; newer?: NewerAnchorsReport },
): AnchorStatus {
  const t = loose(transcript);
  if (!('anchor' in t)) return { kind: 'absent' };
  const newer = chain.newer ? { newer: chain.newer } : {};
  const superseded = chain.newer ? newerAnchorsProblems(chain.newer) : [];
  if (t.anchor === null)
    return superseded.length ? { kind: 'failed', problems: superseded, ...newer } : { kind: 'not-anchored', lastAnchorAt: typeof t.lastAnchorAt === 'number' ? t.lastAnchorAt : null, ...newer };
  const { anchor, problem } = parseTranscriptAnchor(t.anchor);
  if (!anchor) return { kind: 'failed', problems: [problem ?? 'the anchor field is not an anchor'] };
  if (chain.problem) return { kind: 'failed', problems: [chain.problem] };
  if (report.anchor) {
    const problems = [...report.anchor.problems, ...superseded];
    const count = chain.newer && !chain.newer.notRead ? { anchorCount: chain.newer.anchorCount } : {};
    return problems.length === 0 && report.anchor.anchored
      ? { kind: 'anchored', index: anchor.index, blockNumber: report.anchor.blockNumber, lastSeq: report.anchor.lastSeq, anchoredAt: (chain.anchorTimestamp ?? 0) * 1000, ...count, ...newer }
      : { kind: 'failed', problems, ...newer };
  }
  if (chain.checked) return { kind: 'failed', problems: [`the registry gave no anchor ${anchor.index}`] };
  // No chain given: what can be checked without one is, against the root the transcript names.
  const own: ChainAnchor = { index: anchor.index, root: anchor.root.toLowerCase(), timestamp: 0, blockNumber: anchor.blockNumber ?? 0, leafCount: 0 };
  const problems = anchorProblems(typeof t.roomId === 'string' ? t.roomId : '', Array.isArray(t.records) ? t.records : [], anchor, own);
  return problems.length ? { kind: 'failed', problems } : { kind: 'unchecked', index: anchor.index };
}
