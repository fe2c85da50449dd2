/**
 * /verify's two lines on the chain: the transcript's anchor ("anchored at block N (anchor i of
 * M)", "not yet anchored", or FAILED with the reason) and what the anchors newer than it say (read
 * through this server's /anchors: none may hold the room further on), with every check that could
 * not be made as a warning, never passed silently. Tests read `data-kind` on both.
 * @module
 */
import { newerAnchorsSummary, newerAnchorsWarnings } from '../../vrf/protocol/newer-anchors.ts';
import type { AnchorStatus } from './anchor-check.ts';

const $ = (id: string) => document.getElementById(id)!;

/** "42 s", "3 min", "5 h": how long ago `ms` (since 1970) was. */
function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

export function anchorLine(status: AnchorStatus): void {
  const line = $('anchor-status');
  line.dataset['kind'] = status.kind;
  line.className = status.kind === 'failed' ? 'mark fail failed' : status.kind === 'anchored' ? 'mark ok verified' : 'muted';
  line.textContent =
    status.kind === 'anchored'
      ? `✓ anchored at block ${status.blockNumber} (anchor ${status.index}${status.anchorCount === undefined ? '' : ` of ${status.anchorCount}`}, ${ago(status.anchoredAt)} ago): records 0 to ${status.lastSeq} are fixed on chain`
      : status.kind === 'not-anchored'
        ? `not yet anchored: ${status.lastAnchorAt === null ? 'this server has no anchor on chain yet' : `last anchor ${Math.max(0, Math.round((Date.now() - status.lastAnchorAt) / 1000))} s ago`}`
        : status.kind === 'failed'
          ? `✗ anchor check FAILED: ${status.problems.join('; ')}`
          : status.kind === 'unchecked'
            ? `anchored in anchor ${status.index}, not checked on chain: give the chain's JSON-RPC URL and the registry address`
            : 'no anchor in this transcript (saved before anchors, or from a server without them)';
}

/** What the anchors newer than the transcript's said, and what could not be checked. */
export function newerLine(status: AnchorStatus, warnings: readonly string[]): void {
  const line = $('newer-anchors');
  const newer = 'newer' in status ? status.newer : undefined;
  const all = [...(newer ? newerAnchorsWarnings(newer) : []), ...warnings];
  line.dataset['kind'] = !newer ? 'none' : newer.superseded.length ? 'superseded' : newer.notRead ? 'not-read' : all.length ? 'unchecked' : 'clear';
  line.className = newer?.superseded.length ? 'mark fail failed' : all.length ? 'warn' : 'muted';
  const lines = [...(newer && !newer.notRead ? [newerAnchorsSummary(newer)] : []), ...all.map((w) => `⚠ ${w}`)];
  line.replaceChildren(...lines.flatMap((l, i) => (i ? [document.createElement('br'), l] : [l])));
}
