/**
 * How a verdict shows on a row, the same in every view: `✓ verified`, `✗ FAILED:` with the
 * checks that failed, or `⧗ not verified yet` for a record the page could not place in the
 * room's chain (its transcript did not come): a gap is never shown as a failure. Tests read
 * `data-verified` (true, false, unplaced; withheld for a seed the page kept secret).
 * @module
 */
import type { Verdict } from './live-transcript.ts';

export function markRow(li: HTMLElement, text: string, problems: readonly string[], unplaced?: string): void {
  const mark = document.createElement('span');
  const state = problems.length ? 'false' : unplaced ? 'unplaced' : 'true';
  mark.className = problems.length ? 'mark fail' : unplaced ? 'mark muted' : 'mark ok';
  mark.textContent = problems.length ? `✗ FAILED: ${problems.join('; ')}` : unplaced ? `⧗ not verified yet: ${unplaced}` : '✓ verified';
  li.dataset['verified'] = state;
  li.replaceChildren(`${text} `, mark);
}

/** A draw whose receipt checked out but to which this page did not reveal its seed, and why (`data-verified` withheld). */
export function markWithheld(li: HTMLElement, text: string, why: string): void {
  const mark = Object.assign(document.createElement('span'), { className: 'mark held', textContent: `⊘ seed kept secret: ${why}` });
  li.dataset['verified'] = 'withheld';
  li.replaceChildren(`${text} `, mark);
}

/** What a row says of a draw whose receipt this page did not hear (it joined, or came back, after it). */
export function receiptNote(v: Verdict): string {
  return v.receiptVia === 'transcript' ? " (joined after this draw's receipt: verified from the transcript)" : '';
}

/** A record the page heard or fetched that fails, shown though no draw of this page's is its. */
export function historyLine(v: Verdict): string {
  return `record ${v.seq} (${v.type}${v.drawSeq === undefined ? '' : `, draw ${v.drawSeq}`}) in the room's chain:`;
}
