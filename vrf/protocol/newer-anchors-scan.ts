/**
 * Runs the newer-anchors check (`newer-anchors.ts`, FAIRNESS.md section 7a) over a transcript:
 * reads how many anchors the registry holds, picks the anchors after the one the transcript
 * names (at most NEWER_ANCHORS_LIMIT), and for each reads the registry's root and the server's
 * leaves, a few at a time. A transcript that names no anchor is held against the anchors posted
 * from an hour before its first record on (found by bisecting the anchors' timestamps), since no
 * earlier one can hold it. The server's anchors are read a range at a time (`GET /anchors?from=`,
 * many anchors an answer), the registry's one call each, a few at once. The reads are passed in
 * (the CLI and the page give the registry and `fetch`), so this runs in Node and in the page alike.
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
  /**
   * The server's anchors from `from` on, below `to` (as many as it answers at once: at least
   * `from` itself when it has it), each its JSON body by index; or a string saying why none could be had.
   */
  served(from: number, to: number): Promise<Map<number, unknown> | string>;
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
  const unchecked = (from: number, to: number, reason: string) => {
    for (let index = from; index < to; index++) findings.push({ kind: 'unchecked', index, reason });
  };
  for (let at = window.from; at < window.to; ) {
    const got = await sources.served(at, window.to).catch((e: unknown) => `the server's anchors could not be read: ${(e as Error).message}`);
    if (typeof got === 'string') {
      unchecked(at, window.to, got);
      break;
    }
    // What the server withholds is unchecked; the scan goes on with what it does serve.
    const later = [...got.keys()].filter((i) => i > at && i < window.to).sort((a, b) => a - b);
    if (!got.has(at)) {
      const resume = later[0] ?? window.to;
      unchecked(at, resume, `the server does not serve anchor ${at}`);
      at = resume;
      continue;
    }
    let end = at;
    while (end < window.to && got.has(end)) end++;
    await checkEach(at, end, options.concurrency ?? 4, async (index) => {
      let chain: ChainAnchor;
      try {
        chain = await sources.anchorAt(index);
      } catch (e) {
        return void findings.push({ kind: 'unchecked', index, reason: `the registry's anchor ${index} could not be read: ${(e as Error).message}` });
      }
      findings.push(checkNewerAnchor(roomId, heads, chain, got.get(index)));
    });
    at = end;
  }
  return newerAnchorsReport(window, findings);
}

/** Runs `check` for every index from `from` below `to`, `concurrency` at a time. */
async function checkEach(from: number, to: number, concurrency: number, check: (index: number) => Promise<void>): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await check(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Anchors asked for in one request at most (the server's ANCHOR_RANGE_MAX). */
const RANGE_MAX = 1440;

/** `served` for a server at `origin`: its `GET /anchors?from=&limit=`, each anchor's body by index, or why not. */
export function servedAnchorsOf(origin: string, fetchFn: typeof fetch = fetch): AnchorSources['served'] {
  return async (from, to) => {
    const url = new URL(`/anchors?from=${from}&limit=${Math.max(1, Math.min(RANGE_MAX, to - from))}`, origin);
    let response: Response;
    try {
      response = await fetchFn(url, { signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      return `${url.href} could not be reached: ${(e as Error).message}`;
    }
    if (!response.ok) return `${url.href} answered HTTP ${response.status}`;
    let body: { anchors?: unknown };
    try {
      body = (await response.json()) as { anchors?: unknown };
    } catch {
      return `${url.href} did not answer JSON`;
    }
    if (!Array.isArray(body?.anchors)) return `${url.href} did not answer a list of anchors`;
    const out = new Map<number, unknown>();
    for (const a of body.anchors as { index?: unknown }[]) if (Number.isSafeInteger(a?.index) && !out.has(a.index as number)) out.set(a.index as number, a);
    return out;
  };
}
