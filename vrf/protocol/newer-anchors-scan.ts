/**
 * Runs the newer-anchors check (`newer-anchors.ts`, FAIRNESS.md section 7a) over a transcript:
 * reads how many anchors the registry holds, picks the anchors after the one the transcript
 * names (at most NEWER_ANCHORS_LIMIT), and for each reads the registry's root and the server's
 * leaves, a few at a time. A transcript that names no anchor is held against the anchors posted
 * from an hour before its first record on (found by bisecting the anchors' timestamps), since no
 * earlier one can hold it. The reads are passed in (the CLI and the page give the registry and
 * `fetch`), so this runs in Node and in the page alike.
 * @module
 */
import type { ChainAnchor } from './anchor-proof.ts';
import {
  checkNewerAnchor,
  newerAnchorsReport,
  newerAnchorsWindow,
  NEWER_ANCHORS_LIMIT,
  transcriptHeads,
  type NewerAnchorFinding,
  type NewerAnchorsReport,
} from './newer-anchors.ts';

/** Where the anchors are read: the registry's views and the server's `GET /anchors/:index`. */
export interface AnchorSources {
  anchorCount(): Promise<number>;
  anchorAt(index: number): Promise<ChainAnchor>;
  /** The server's JSON body for the anchor, or a string saying why there is none. */
  served(index: number): Promise<unknown>;
}

export interface ScanOptions {
  /** Newer anchors read at most (NEWER_ANCHORS_LIMIT unless given). */
  readonly limit?: number;
  /** Anchors read at once (4 unless given). */
  readonly concurrency?: number;
}

/** How long before a transcript's first record its room's first anchor may have been posted: clocks differ. */
const CLOCK_MARGIN_S = 3600;

/** The first anchor index below `count` whose chain timestamp is at or after `seconds` (count if none). */
async function firstAnchorFrom(count: number, seconds: number, anchorAt: (i: number) => Promise<ChainAnchor>): Promise<number> {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await anchorAt(mid)).timestamp >= seconds) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The newer anchors' report for a transcript of `roomId` with `records`, whose anchor is
 * `servedIndex` (undefined when it names none). Never throws: a registry that cannot be read
 * gives a report with `notRead`, an anchor that cannot be read an unchecked finding.
 */
export async function scanNewerAnchors(roomId: string, records: readonly unknown[], servedIndex: number | undefined, sources: AnchorSources, options: ScanOptions = {}): Promise<NewerAnchorsReport> {
  let count: number;
  let startAt = 0;
  try {
    count = await sources.anchorCount();
    const first = records[0] as { issuedAt?: unknown } | undefined;
    if (servedIndex === undefined && typeof first?.issuedAt === 'number') startAt = await firstAnchorFrom(count, Math.floor(first.issuedAt / 1000) - CLOCK_MARGIN_S, (i) => sources.anchorAt(i));
  } catch (e) {
    const window = newerAnchorsWindow(servedIndex, 0);
    return { ...newerAnchorsReport(window, []), notRead: `the registry could not be read: ${(e as Error).message}` };
  }
  const window = newerAnchorsWindow(servedIndex, count, startAt, options.limit ?? NEWER_ANCHORS_LIMIT);
  const heads = transcriptHeads(records);
  const findings: NewerAnchorFinding[] = [];
  let next = window.from;
  const worker = async (): Promise<void> => {
    while (next < window.to) {
      const index = next++;
      let chain: ChainAnchor;
      try {
        chain = await sources.anchorAt(index);
      } catch (e) {
        findings.push({ kind: 'unchecked', index, reason: `the registry's anchor ${index} could not be read: ${(e as Error).message}` });
        continue;
      }
      const served = await sources.served(index).catch((e: unknown) => `the server's anchor ${index} could not be read: ${(e as Error).message}`);
      findings.push(checkNewerAnchor(roomId, heads, chain, served));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return newerAnchorsReport(window, findings);
}

/** `served` for a server at `origin`: its `GET /anchors/:index`, as JSON, or why not. */
export function servedAnchorsOf(origin: string, fetchFn: typeof fetch = fetch): (index: number) => Promise<unknown> {
  return async (index) => {
    const url = new URL(`/anchors/${index}`, origin);
    let response: Response;
    try {
      response = await fetchFn(url, { signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      return `${url.href} could not be reached: ${(e as Error).message}`;
    }
    if (!response.ok) return `${url.href} answered HTTP ${response.status}`;
    try {
      return (await response.json()) as unknown;
    } catch {
      return `${url.href} did not answer JSON`;
    }
  };
}
