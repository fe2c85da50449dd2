/**
 * /verify's report, readable without crypto knowledge: the room's verdict in one sentence at the
 * top (`.verified` or `.failed`), then one row per record in words ("draw 3, dice: rolled 5931 —
 * needed under 100 — lost") with its check (✓ verified / ✗ failed), a "why it failed" line in
 * words for a failure (the verifier's exact problems kept in a details element), and the record's
 * JSON in another (written when opened, so a room of thousands of records renders fast). A draw
 * asked for with `?draw=` is highlighted, its rows opened and scrolled to.
 * Tests read `#summary[data-ok]`, `#records tr[data-seq][data-ok][data-draw]`, `.why`, `[data-focused]`.
 * @module
 */
import type { RecordReport, TranscriptReport } from '../../vrf/protocol/transcript.ts';
import type { AnchorStatus } from './anchor-check.ts';
import { anchorLine, newerLine } from './verify-anchor-line.ts';
import { renderDistributions } from './verify-histograms.ts';
import { whyLines, whyWords } from './verify-why.ts';
import { plural, receiptsByDraw, recordWords, type LooseRecord } from './verify-words.ts';

const $ = (id: string) => document.getElementById(id)!;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** The most rows of one draw opened at once. */
const MAX_FOCUSED_ROWS = 40;

/** What the verifier checked of a record of this type, said once for a focused draw. */
const CHECKED: Readonly<Record<string, string>> = {
  receipt:
    "Checked: the receipt is signed by the server's published key, its players asked for this draw (their signatures), and their seed commitments were never used before; the server could not know the seeds when it signed.",
  outcome:
    "Checked: each seed revealed matches its player's commitment; the draw's input was rebuilt from the receipt and the seeds; the proof holds under the server's published key, so the random number could only be this one; and the result is what the game's published rules give for it.",
  move: "Checked: the move is signed by its player and allowed by the game's rules at this point of the hand.",
  void: "Checked: the void names its receipt, gives a published reason and whose seed never came; a voided draw pays nothing and refunds any stake.",
  close: 'Checked: the close counts every draw of the room and leaves none unfinished.',
};

/** The room's verdict in one sentence. */
function verdictSentence(roomId: string, report: TranscriptReport, anchor: AnchorStatus): string {
  const bad = report.records.filter((r) => r.problems.length).length;
  const draws = plural(report.records.filter((r) => r.type === 'receipt').length, 'draw');
  const room = roomId ? `room ${roomId}` : 'this room';
  if (!report.ok) {
    const header = report.problems.length ? `${bad ? ', and ' : ''}the transcript itself does not match the keys you trust` : '';
    return `✗ ${bad ? `${bad} of ${plural(report.records.length, 'record')} of ${room} failed` : `${room} failed`}${header}: see why below.`;
  }
  if (anchor.kind === 'failed') return `✗ Every record of ${room} checks out, but the transcript disagrees with the anchor on chain: see why below.`;
  const state = report.closed ? 'the room is closed and its transcript whole' : 'the room is still open';
  const anchored = anchor.kind === 'anchored' ? ', and it is anchored on chain' : anchor.kind === 'not-anchored' ? ', not yet anchored on chain' : '';
  const v1 = report.version === 1 ? ' (as protocol version 1: its draws were not authorised by their players)' : '';
  return `✓ All ${plural(report.records.length, 'record')} verified${v1}: ${room} had ${draws}, ${state}${anchored}.`;
}

/** The check cell: the mark, and for a failure why in words and the verifier's exact problems. */
function checkCell(r: RecordReport): HTMLTableCellElement {
  if (!r.problems.length) return el('td', { className: 'check' }, el('span', { className: 'mark ok verified', textContent: '✓ verified' }));
  const technical = el('details', { className: 'technical' }, el('summary', { textContent: 'what the verifier found' }), el('ul', {}, ...r.problems.map((p) => el('li', { textContent: p }))));
  const why = el('p', { className: 'why' }, el('strong', { textContent: 'Why it failed: ' }), whyLines(r.problems, r.type === 'malformed').join(' '));
  return el('td', { className: 'check' }, el('span', { className: 'mark fail failed', textContent: '✗ failed' }), why, technical);
}

/** The record's JSON, written into its details when first opened. */
function rawDetails(raw: unknown): HTMLDetailsElement {
  const pre = el('pre', { className: 'raw-json' });
  const details = el('details', { className: 'raw' }, el('summary', { textContent: 'the record as JSON' }), pre);
  details.addEventListener('toggle', () => {
    if (details.open && !pre.textContent) pre.textContent = JSON.stringify(raw, null, 2);
  });
  return details;
}

function recordRow(r: RecordReport, raw: LooseRecord | undefined, receipt: LooseRecord | undefined): HTMLTableRowElement {
  const tr = el('tr', { id: `record-${r.seq}`, className: r.problems.length ? 'failed' : 'verified' });
  tr.dataset['seq'] = String(r.seq);
  tr.dataset['ok'] = String(r.problems.length === 0);
  tr.dataset['type'] = r.type;
  if (r.drawSeq !== undefined) tr.dataset['draw'] = String(r.drawSeq);
  const words = el('td', { className: 'words' }, el('span', { textContent: raw && r.type !== 'malformed' ? recordWords(raw, receipt) : recordWords({}, undefined) }), rawDetails(raw));
  tr.append(el('td', { className: 'seq', textContent: String(r.seq) }), words, checkCell(r));
  return tr;
}

/** Highlights draw `draw`'s rows, opens their JSON and what was checked, and scrolls to the first; says so above the table. */
function focusDraw(draw: number): void {
  // A draw has a receipt, its moves and an ending; a broken transcript may repeat it: the first rows suffice.
  const rows = [...document.querySelectorAll<HTMLTableRowElement>(`#records tbody tr[data-draw="${draw}"]`)].slice(0, MAX_FOCUSED_ROWS);
  const note = $('focus-note');
  note.hidden = false;
  if (!rows.length) {
    note.textContent = `Draw ${draw} is not in this transcript (yet): a live room's draw shows once its receipt is written.`;
    return;
  }
  for (const row of rows) {
    row.classList.add('focused');
    row.dataset['focused'] = 'true';
    const words = row.querySelector('td.words')!;
    const raw = words.querySelector<HTMLDetailsElement>('details.raw')!;
    raw.open = true;
    raw.dispatchEvent(new Event('toggle'));
    const checked = row.dataset['ok'] === 'true' ? CHECKED[row.dataset['type'] ?? ''] : undefined;
    if (checked) raw.before(el('p', { className: 'checked small', textContent: checked }));
  }
  const bad = rows.filter((r) => r.dataset['ok'] === 'false').length;
  const link = el('a', { href: `#${rows[0]!.id}`, textContent: `draw ${draw}` });
  note.replaceChildren('Showing ', link, `: ${plural(rows.length, 'record')}, ${bad ? `${bad} failed` : 'all verified'}. It is highlighted below.`);
  note.className = bad ? 'failed' : 'verified';
  rows[0]!.tabIndex = -1;
  rows[0]!.scrollIntoView({ block: 'center' });
  rows[0]!.focus({ preventScroll: true });
}

export interface Rendered {
  readonly roomId: string;
  readonly records: readonly LooseRecord[];
}

/** Renders the whole report; `draw`: the draw to focus (from `?draw=`). */
export function renderReport(t: Rendered, report: TranscriptReport, ms: number, anchor: AnchorStatus, warnings: readonly string[], draw?: number): void {
  const started = performance.now();
  const ok = report.ok && anchor.kind !== 'failed';
  const summary = $('summary');
  summary.className = ok ? 'verdict verified' : 'verdict failed';
  summary.dataset['ok'] = String(ok);
  summary.dataset['ms'] = ms.toFixed(1);
  summary.textContent = verdictSentence(t.roomId, report, anchor);
  anchorLine(anchor);
  newerLine(anchor, warnings);
  const receipts = receiptsByDraw(t.records);
  const bad = report.records.map((r, i) => ({ r, i })).filter(({ r }) => r.problems.length);
  $('problems').replaceChildren(
    ...report.problems.map((p) => el('li', { className: 'failed' }, `the transcript: ${whyWords(p)} `, el('span', { className: 'muted small', textContent: `(${p})` }))),
    ...bad.map(({ r }) =>
      el('li', { className: 'failed' }, el('a', { href: `#record-${r.seq}`, textContent: `record ${r.seq} (${r.type}${r.drawSeq === undefined ? '' : ` of draw ${r.drawSeq}`})` }), `: ${whyLines(r.problems, r.type === 'malformed').join(' ')}`),
    ),
  );
  renderDistributions(t.records);
  $('records').querySelector('tbody')!.replaceChildren(...report.records.map((r, i) => recordRow(r, t.records[i], typeof r.drawSeq === 'number' ? receipts.get(r.drawSeq) : undefined)));
  $('focus-note').hidden = true;
  $('report').hidden = false;
  summary.dataset['rowsMs'] = (performance.now() - started).toFixed(1);
  if (draw !== undefined) focusDraw(draw);
  else {
    summary.scrollIntoView({ block: 'start' });
    summary.focus({ preventScroll: true });
  }
  const shown = performance.now() - started;
  summary.dataset['renderMs'] = shown.toFixed(1);
  $('timing').textContent = `Checked in this page in ${(ms / 1000).toFixed(2)} s, shown in ${(shown / 1000).toFixed(2)} s.`;
}

/** A verdict the page reached without a report: not JSON, a fetch that failed. */
export function renderFailure(sentence: string): void {
  const summary = $('summary');
  summary.className = 'verdict failed';
  summary.dataset['ok'] = 'false';
  summary.textContent = sentence;
  $('report').hidden = false;
  summary.focus();
}
