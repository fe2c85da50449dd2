/**
 * /verify: checks an exported room transcript offline against keys the user supplies, shows the
 * verdict per record (the bad ones named), the transcript's anchor on chain ("anchored at block
 * N (anchor i of M)", "not yet anchored", or FAILED with the reason), what the anchors newer than
 * it say (read through this server's /anchors: none may hold the room further on), and a
 * histogram of dice rolls against the uniform distribution they must follow. `/verify?room=<id>`
 * fetches that room's transcript from this server and checks it at once; the tab remembers the
 * newest anchor it verified of each room, and a later transcript served with an older anchor or
 * fewer records fails (a pasted one is only warned of: it may be an old file on purpose).
 * @module
 */
import { formatChips } from '../../games/chips.ts';
import { ROLLS } from '../../games/dice/rules.ts';
import { newerAnchorsSummary, newerAnchorsWarnings } from '../../vrf/protocol/newer-anchors.ts';
import type { TranscriptReport, TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { olderThanSeen, rememberAnchor, seenAnchor } from './anchor-memory.ts';
import type { AnchorStatus, RegistryAt } from './anchor-check.ts';
import { addressOf, type Published } from './api.ts';
import { fetchWholeTranscript } from './fetch-transcript.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const BINS = 10;

interface LooseRecord {
  seq: number;
  type: string;
  drawSeq: number;
  game?: string;
  result?: Record<string, unknown>;
}

/** The rules documents this server publishes (its /fairness); the published defaults until they arrive. */
let servedRules: TrustedKeys['rules'];

async function prefillKeys(): Promise<void> {
  try {
    const f = (await (await fetch('/fairness')).json()) as TrustedKeys & { chain?: { rpcUrl?: string; registry?: Published } };
    $<HTMLInputElement>('rpc-url').value = f.chain?.rpcUrl ?? '';
    $<HTMLInputElement>('registry').value = addressOf(f.chain?.registry) ?? '';
    $<HTMLSelectElement>('suite').value = f.suite;
    $<HTMLInputElement>('public-key').value = f.publicKey;
    $<HTMLInputElement>('receipt-signer').value = f.receiptSigner;
    servedRules = f.rules;
    $('key-source').textContent = `Keys and game rules filled in from ${location.origin}/fairness: replace the keys with ones you obtained elsewhere to check this server against itself. Receipts must name these rules (and no rule but an operator's edge may differ from the published ones).`;
  } catch {
    /* offline: the user types the keys */
  }
}

async function transcriptText(): Promise<string> {
  const file = $<HTMLInputElement>('file').files?.[0];
  return file ? file.text() : $<HTMLTextAreaElement>('paste').value;
}

function cell(text: string): HTMLTableCellElement {
  return Object.assign(document.createElement('td'), { textContent: text });
}

/** A result as recorded (amounts in units), and its payout in chips. */
function resultText(result: Record<string, unknown>): string {
  const payout = result['payout'];
  return `${JSON.stringify(result)}${Number.isSafeInteger(payout) ? ` (payout ${formatChips(payout as number)} chips)` : ''}`;
}

function histogram(records: readonly LooseRecord[]): void {
  const rolls = records.filter((r) => r.type === 'outcome' && typeof r.result?.['roll'] === 'number').map((r) => r.result!['roll'] as number);
  const counts = new Array<number>(BINS).fill(0);
  for (const roll of rolls) counts[Math.min(BINS - 1, Math.floor((roll * BINS) / ROLLS))]!++;
  const expected = rolls.length / BINS;
  const max = Math.max(expected, ...counts, 1);
  $('histogram').replaceChildren(
    ...counts.flatMap((count, i) => {
      const bar = Object.assign(document.createElement('div'), { className: 'bar' });
      bar.style.width = `${(count / max) * 100}%`;
      const line = Object.assign(document.createElement('div'), { className: 'expected', title: `expected ${expected.toFixed(1)}` });
      line.style.left = `${(expected / max) * 100}%`;
      const track = document.createElement('div');
      track.style.position = 'relative';
      track.append(bar, line);
      return [Object.assign(document.createElement('span'), { textContent: `${(i * ROLLS) / BINS}-${((i + 1) * ROLLS) / BINS - 1}` }), track, Object.assign(document.createElement('span'), { textContent: String(count) })];
    }),
  );
  const chi = counts.reduce((s, c) => s + (c - expected) ** 2 / (expected || 1), 0);
  $('chi').textContent = rolls.length
    ? `${rolls.length} rolls; dashed line: the expected ${expected.toFixed(1)} per bin. Chi-square ${chi.toFixed(2)} with ${BINS - 1} degrees of freedom (above 21.67 happens by chance 1% of the time).`
    : 'No dice rolls in this transcript.';
}

/** "42 s", "3 min", "5 h": how long ago `ms` (since 1970) was. */
function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

function anchorLine(status: AnchorStatus): void {
  const line = $('anchor-status');
  line.dataset['kind'] = status.kind;
  line.className = status.kind === 'failed' ? 'mark fail' : status.kind === 'anchored' ? 'mark ok' : 'muted';
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

/** What the anchors newer than the transcript's said, and what could not be checked (warnings, never passed silently). */
function newerLine(status: AnchorStatus, warnings: readonly string[]): void {
  const line = $('newer-anchors');
  const newer = 'newer' in status ? status.newer : undefined;
  const all = [...(newer ? newerAnchorsWarnings(newer) : []), ...warnings];
  line.dataset['kind'] = !newer ? 'none' : newer.superseded.length ? 'superseded' : newer.notRead ? 'not-read' : all.length ? 'unchecked' : 'clear';
  line.className = newer?.superseded.length ? 'mark fail' : all.length ? 'warn' : 'muted';
  const lines = [...(newer && !newer.notRead ? [newerAnchorsSummary(newer)] : []), ...all.map((w) => `⚠ ${w}`)];
  line.replaceChildren(...lines.flatMap((l, i) => (i ? [document.createElement('br'), l] : [l])));
}

/**
 * Holds the status against what this tab verified of the room before: served by this server, an
 * older anchor or fewer records fails; pasted, it is a warning. Remembers a transcript that passed.
 */
function againstSeen(transcript: { roomId?: unknown; records?: unknown[]; anchor?: { index?: unknown } | null }, status: AnchorStatus, fromServer: boolean): { status: AnchorStatus; warnings: string[] } {
  const roomId = typeof transcript.roomId === 'string' ? transcript.roomId : undefined;
  if (!roomId || status.kind === 'absent' || status.kind === 'unchecked') return { status, warnings: [] };
  const records = Array.isArray(transcript.records) ? transcript.records.length : 0;
  const index = typeof transcript.anchor?.index === 'number' ? transcript.anchor.index : null;
  const older = olderThanSeen(seenAnchor(roomId), { index, records });
  if (status.kind === 'anchored' && !older) rememberAnchor(roomId, { index: status.index, lastSeq: status.lastSeq, records });
  if (!older) return { status, warnings: [] };
  if (!fromServer) return { status, warnings: [older] };
  const problems = status.kind === 'failed' ? [...status.problems, older] : [older];
  return { status: { kind: 'failed', problems, ...('newer' in status && status.newer ? { newer: status.newer } : {}) }, warnings: [] };
}

function render(transcript: { records?: LooseRecord[] }, report: TranscriptReport, ms: number, anchor: AnchorStatus, warnings: readonly string[]): void {
  const records = Array.isArray(transcript.records) ? transcript.records : [];
  const bad = report.records.filter((r) => r.problems.length);
  const summary = $('summary');
  const ok = report.ok && anchor.kind !== 'failed';
  summary.className = ok ? 'mark ok' : 'mark fail';
  summary.dataset['ok'] = String(ok);
  summary.dataset['ms'] = ms.toFixed(1);
  anchorLine(anchor);
  newerLine(anchor, warnings);
  summary.textContent = !report.ok
    ? `✗ Verification FAILED: ${bad.length} bad record(s)${report.problems.length ? ' and transcript problems' : ''}`
    : anchor.kind === 'failed'
      ? `✗ Verification FAILED: the transcript disagrees with the anchors on chain`
      : `✓ All ${report.records.length} records verified${report.closed ? ', room closed' : ', room still open'}${report.version === 1 ? ' as protocol version 1 (draws not authorised by their players)' : ''} (${(ms / 1000).toFixed(2)} s)`;
  $('problems').replaceChildren(
    ...report.problems.map((p) => Object.assign(document.createElement('li'), { textContent: p, className: 'fail' })),
    ...bad.map((r) => Object.assign(document.createElement('li'), { textContent: `record ${r.seq} (${r.type}, draw ${r.drawSeq ?? '-'}): ${r.problems.join('; ')}`, className: 'fail' })),
  );
  histogram(records);
  $('records').querySelector('tbody')!.replaceChildren(
    ...report.records.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset['seq'] = String(r.seq);
      tr.dataset['ok'] = String(r.problems.length === 0);
      const result = records[r.seq]?.result;
      const check = cell(r.problems.length ? `✗ ${r.problems.join('; ')}` : '✓');
      check.className = r.problems.length ? 'mark fail' : 'mark ok';
      tr.append(cell(String(r.seq)), cell(r.type), cell(String(r.drawSeq ?? '')), cell(result ? resultText(result) : ''), check);
      return tr;
    }),
  );
  $('report').hidden = false;
}

/**
 * Verifies the transcript in the form; `fromServer`: it was fetched from this server just now (not
 * pasted or loaded from a file), `retried`: fetched a second time.
 */
async function verify(fromServer = false, retried = false): Promise<void> {
  const keys: TrustedKeys = {
    suite: $<HTMLSelectElement>('suite').value,
    publicKey: $<HTMLInputElement>('public-key').value.trim().replace(/^0x/, '').toLowerCase(),
    receiptSigner: $<HTMLInputElement>('receipt-signer').value.trim(),
    ...(servedRules ? { rules: servedRules } : {}),
  };
  let transcript: unknown;
  try {
    transcript = JSON.parse(await transcriptText());
  } catch (e) {
    $('summary').textContent = `✗ Not JSON: ${(e as Error).message}`;
    $('report').hidden = false;
    return;
  }
  $('verify').setAttribute('disabled', '');
  $('summary').textContent = 'verifying…';
  const worker = new Worker(new URL('./transcript.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<{ report: TranscriptReport; ms: number; anchor: AnchorStatus }>) => {
    const status = e.data.anchor;
    if (fromServer && !retried && 'newer' in status && status.newer?.superseded.length) {
      // A live room may have moved on, and been anchored, between the fetch and the check: fetch it once more.
      worker.terminate();
      return void loadRoom(true);
    }
    const seen = againstSeen(transcript as Parameters<typeof againstSeen>[0], e.data.anchor, fromServer);
    render(transcript as { records?: LooseRecord[] }, e.data.report, e.data.ms, seen.status, seen.warnings);
    $('verify').removeAttribute('disabled');
    worker.terminate();
  };
  const rpcUrl = $<HTMLInputElement>('rpc-url').value.trim();
  const registry = $<HTMLInputElement>('registry').value.trim();
  const chain: RegistryAt | undefined = rpcUrl && registry ? { rpcUrl, registry, server: location.origin } : undefined;
  worker.postMessage({ transcript, keys, ...(chain ? { chain } : {}) });
}

/** `?room=<id>`: this server's transcript of that room, fetched whole and checked. */
async function loadRoom(retried = false): Promise<void> {
  const roomId = new URLSearchParams(location.search).get('room');
  if (!roomId) return;
  try {
    const transcript = await fetchWholeTranscript(new URL(`/rooms/${encodeURIComponent(roomId)}/transcript`, location.origin));
    $<HTMLTextAreaElement>('paste').value = JSON.stringify(transcript);
    await verify(true, retried);
  } catch (e) {
    $('summary').textContent = `✗ The transcript of room ${roomId} could not be fetched: ${(e as Error).message}`;
    $('report').hidden = false;
  }
}

$('verify').onclick = () => void verify();
void prefillKeys().then(() => loadRoom());
